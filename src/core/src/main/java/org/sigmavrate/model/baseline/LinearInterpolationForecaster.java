package org.sigmavrate.model.baseline;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;

/** Baseline: the rate interpolated linearly between observed rates, flat beyond the first and last. */
public final class LinearInterpolationForecaster extends PointForecaster {
    @Override
    protected double[] estimateRates(ObservedWindow window) {
        return Interpolation.linear(observed(window, Channel.VERTICAL_RATE));
    }

    @Override
    public String modelId() {
        return "baseline-linear";
    }
}
