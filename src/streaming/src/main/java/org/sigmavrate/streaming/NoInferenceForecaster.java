package org.sigmavrate.streaming;

import java.util.List;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;

/**
 * Inference switched off ({@code forecaster.model=none}): windows are still assembled, snapshotted and batched, but
 * nothing is forecast or published. Only for measuring the streaming layer's own ceiling ({@code load-bench}).
 */
public final class NoInferenceForecaster implements WindowForecaster {
    private final String specSha256;

    public NoInferenceForecaster(String specSha256) {
        this.specSha256 = specSha256;
    }

    @Override
    public List<WindowForecast> forecast(List<ObservedWindow> windows) {
        return List.of();
    }

    @Override
    public String modelId() {
        return "none";
    }

    @Override
    public String specSha256() {
        return specSha256;
    }
}
