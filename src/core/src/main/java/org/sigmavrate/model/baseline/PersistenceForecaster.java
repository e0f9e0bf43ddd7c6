package org.sigmavrate.model.baseline;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;

/** Baseline: the last observed rate (before the first observation, the first). */
public final class PersistenceForecaster extends PointForecaster {
    @Override
    protected double[] estimateRates(ObservedWindow window) {
        return Interpolation.persistence(observed(window, Channel.VERTICAL_RATE));
    }

    @Override
    public String modelId() {
        return "baseline-persistence";
    }
}
