package org.sigmavrate.batching;

import java.util.List;

import org.sigmavrate.domain.forecast.WindowForecast;

/**
 * One inference call that has finished.
 *
 * @param windows   the call's windows, in the order given to the forecaster
 * @param forecasts the forecaster's answers, {@code forecasts.get(i)} for {@code windows.get(i)}; empty when the
 *                  call failed (or the forecaster publishes nothing)
 * @param nanos     how long the call took
 * @param failed    the forecaster threw: the windows are dropped, not retried (the same windows would fail again)
 */
public record FinishedBatch(List<PendingWindow> windows, List<WindowForecast> forecasts, long nanos, boolean failed) {
    public FinishedBatch {
        windows = List.copyOf(windows);
        forecasts = List.copyOf(forecasts);
    }

    /** Model evaluations per window of the call (0 for a call that answered nothing). */
    public double forwardCallsPerWindow() {
        int calls = 0;
        for (WindowForecast f : forecasts) {
            calls += f.forwardCalls();
        }
        return windows.isEmpty() ? 0 : (double) calls / windows.size();
    }
}
