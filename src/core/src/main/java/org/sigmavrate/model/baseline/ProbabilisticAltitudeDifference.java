package org.sigmavrate.model.baseline;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.calibration.ResidualQuantiles;
import org.sigmavrate.model.density.PiecewiseLinearQuantiles;

/**
 * The altitude-difference baseline with a spread: a hidden step's predictive distribution is the rule's rate plus
 * the residual quantiles fitted for its bucket ({@link ObservationBuckets}) on validation flights, so it can be
 * scored like the σ-GPT's densities (CRPS, coverage). Its point forecast stays the rule's rate.
 */
public final class ProbabilisticAltitudeDifference {
    public static final String ID = "baseline-altitude-difference probabilistic";
    private final AltitudeDifferenceForecaster rule = new AltitudeDifferenceForecaster();
    private final ResidualQuantiles residuals;

    public ProbabilisticAltitudeDifference(ResidualQuantiles residuals) {
        this.residuals = residuals;
    }

    /** Per step: the rate distribution of an unobserved step; null at observed steps. */
    public PiecewiseLinearQuantiles[] distributions(ObservedWindow window) {
        double[] point = rule.rates(window);
        int[] buckets = ObservationBuckets.of(window);
        PiecewiseLinearQuantiles[] out = new PiecewiseLinearQuantiles[window.steps()];
        for (int s = 0; s < out.length; s++) {
            if (buckets[s] >= 0) {
                out[s] = residuals.distribution(buckets[s], point[s]);
            }
        }
        return out;
    }

    /** The rule's rate at every step (its point forecast). */
    public double[] points(ObservedWindow window) {
        return rule.rates(window);
    }
}
