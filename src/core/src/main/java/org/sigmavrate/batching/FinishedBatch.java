package org.sigmavrate.batching;

import java.util.List;

import org.sigmavrate.domain.forecast.WindowForecast;

/**
 * One inference call that has finished, or that the watchdog abandoned.
 *
 * @param windows   the call's windows, in the order given to the forecaster
 * @param answered  the windows answered, {@code forecasts.get(i)} for {@code answered.get(i)}: all of them unless
 *                  some threw alone (or the forecaster publishes nothing)
 * @param forecasts the forecaster's answers
 * @param retrying  windows that failed with attempts left: they stay queued for a later call
 * @param failed    windows that failed their last attempt: they have left the queue, to be reported
 * @param nanos     how long the call took (until abandoned, for a timed-out call)
 * @param timedOut  the watchdog abandoned the call: nothing was answered
 */
public record FinishedBatch(List<PendingWindow> windows, List<PendingWindow> answered, List<WindowForecast> forecasts,
        List<FailedWindow> retrying, List<FailedWindow> failed, long nanos, boolean timedOut) {
    public FinishedBatch {
        windows = List.copyOf(windows);
        answered = List.copyOf(answered);
        forecasts = List.copyOf(forecasts);
        retrying = List.copyOf(retrying);
        failed = List.copyOf(failed);
        if (answered.size() != forecasts.size()) {
            throw new IllegalArgumentException("one forecast per answered window");
        }
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
