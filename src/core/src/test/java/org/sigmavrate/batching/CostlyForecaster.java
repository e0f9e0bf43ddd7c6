package org.sigmavrate.batching;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

/**
 * The altitude-difference baseline, charged a set cost per window on a {@link HandClock}: a model as slow as the
 * test needs, without sleeping. Keeps the size of every call; a call, or every call with one aircraft's window, can
 * be made to fail.
 */
final class CostlyForecaster implements WindowForecaster {
    private final AltitudeDifferenceForecaster inner = new AltitudeDifferenceForecaster();
    private final HandClock clock;
    private Duration perWindow;
    private int failingCall = -1;
    private String refused;
    final List<Integer> calls = new ArrayList<>();

    CostlyForecaster(HandClock clock, Duration perWindow) {
        this.clock = clock;
        this.perWindow = perWindow;
    }

    /** From the next call on, each window costs this much. */
    void costs(Duration d) {
        perWindow = d;
    }

    /** The call with this index (0 = the first) throws, as a model refusing its input would. */
    void failsOnCall(int index) {
        failingCall = index;
    }

    /** Every call with a window of this aircraft throws, as a model refusing one window would. */
    void refuses(String icao24) {
        refused = icao24;
    }

    @Override
    public List<WindowForecast> forecast(List<ObservedWindow> windows) {
        calls.add(windows.size());
        clock.advance(perWindow.multipliedBy(windows.size()));
        if (calls.size() - 1 == failingCall) {
            throw new IllegalStateException("the model refused the batch");
        }
        if (windows.stream().anyMatch(w -> w.icao24().equals(refused))) {
            throw new IllegalArgumentException("the model refused the window of " + refused);
        }
        return inner.forecast(windows);
    }

    @Override
    public String modelId() {
        return inner.modelId();
    }

    @Override
    public String specSha256() {
        return inner.specSha256();
    }
}
