package org.sigmavrate.model.baseline;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;

/**
 * Baseline: between two consecutive observed steps whose altitudes are both known, the mean rate they imply,
 * (alt_j - alt_i) / (t_j - t_i) in ft/min ({@link AltitudeSpan}); persistence of the observed rate elsewhere. Between
 * two observations the altitude change fixes the average climb exactly, which beats interpolating the two end rates.
 */
public final class AltitudeDifferenceForecaster extends PointForecaster {
    public static final String ID = "baseline-altitude-difference";

    @Override
    protected double[] estimateRates(ObservedWindow window) {
        double[] estimate = Interpolation.persistence(observed(window, Channel.VERTICAL_RATE));
        for (AltitudeSpan span : AltitudeSpan.of(window)) {
            for (int k = span.firstHidden(); k < span.after(); k++) {
                estimate[k] = span.meanRate();
            }
        }
        return estimate;
    }

    /** The rule's rate at every step, observed steps included (the point of its probabilistic version). */
    public double[] rates(ObservedWindow window) {
        return estimateRates(window);
    }

    @Override
    public String modelId() {
        return ID;
    }
}
