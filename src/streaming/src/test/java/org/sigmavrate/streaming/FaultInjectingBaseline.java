package org.sigmavrate.streaming;

import java.util.List;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

/**
 * The altitude-difference baseline, after a test's own step before each call: a fault (throw, hang), a gate to wait
 * behind, an announcement of the windows held. The fault tests' forecasters differ only in that step.
 */
abstract class FaultInjectingBaseline implements WindowForecaster {
    private final WindowForecaster model = new AltitudeDifferenceForecaster();

    /** Runs before the baseline answers the call: may throw, wait or record the windows. */
    abstract void beforeCall(List<ObservedWindow> windows);

    @Override
    public final List<WindowForecast> forecast(List<ObservedWindow> windows) {
        beforeCall(windows);
        return model.forecast(windows);
    }

    @Override
    public String modelId() {
        return model.modelId();
    }

    @Override
    public String specSha256() {
        return model.specSha256();
    }
}
