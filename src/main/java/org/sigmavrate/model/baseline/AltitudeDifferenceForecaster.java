package org.sigmavrate.model.baseline;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;

/**
 * Baseline: between two consecutive observed steps whose altitudes are both known, the mean rate they imply,
 * (alt_j - alt_i) / (t_j - t_i) in ft/min; persistence of the observed rate elsewhere. Between two observations the
 * altitude change fixes the average climb exactly, which beats interpolating the two end rates.
 */
public final class AltitudeDifferenceForecaster extends PointForecaster {
    @Override
    protected double[] estimateRates(ObservedWindow window) {
        double[] rates = observed(window, Channel.VERTICAL_RATE);
        double[] estimate = Interpolation.persistence(rates);
        double stepMinutes = window.window().stepMillis() / 60_000.0;
        int prev = -1;
        for (int s = 0; s < window.steps(); s++) {
            if (!isObservedStep(window, s)) {
                continue;
            }
            if (prev >= 0 && window.observed(prev, Channel.ALTITUDE) && window.observed(s, Channel.ALTITUDE)) {
                double meanRate = (window.value(s, Channel.ALTITUDE) - window.value(prev, Channel.ALTITUDE))
                        / ((s - prev) * stepMinutes);
                for (int k = prev + 1; k < s; k++) {
                    estimate[k] = meanRate;
                }
            }
            prev = s;
        }
        return estimate;
    }

    private static boolean isObservedStep(ObservedWindow window, int step) {
        return window.observed(step, Channel.VERTICAL_RATE) || window.observed(step, Channel.ALTITUDE);
    }

    @Override
    public String modelId() {
        return "baseline-altitude-difference";
    }
}
