package org.sigmavrate.model.calibration;

import org.sigmavrate.model.density.PiecewiseLinearQuantiles;

/**
 * Quantiles of a point forecast's residuals (truth − point, ft/min) per {@link ObservationBuckets} bucket: the
 * predictive distribution of a hidden step is the point plus the piecewise-linear quantile function through its
 * bucket's residual quantiles ({@link PiecewiseLinearQuantiles}).
 *
 * @param levels    ascending levels in (0, 1)
 * @param quantiles [bucket][level]; null for a bucket without enough residuals (the nearest fitted one stands in,
 *                  {@link ObservationBuckets#nearestFitted})
 * @param counts    [bucket]: residuals the bucket was fitted on
 */
public record ResidualQuantiles(double[] levels, double[][] quantiles, long[] counts) {
    public ResidualQuantiles {
        if (quantiles.length != ObservationBuckets.count() || counts.length != quantiles.length) {
            throw new IllegalArgumentException("one entry per bucket: " + ObservationBuckets.count());
        }
    }

    /** The predictive distribution of a hidden step of {@code bucket} whose point forecast is {@code point}. */
    public PiecewiseLinearQuantiles distribution(int bucket, double point) {
        boolean[] fitted = new boolean[quantiles.length];
        for (int b = 0; b < fitted.length; b++) {
            fitted[b] = quantiles[b] != null;
        }
        int use = ObservationBuckets.nearestFitted(bucket, fitted);
        if (use < 0) {
            throw new IllegalStateException("the calibration has no fitted residual quantiles");
        }
        return new PiecewiseLinearQuantiles(levels, quantiles[use]).shifted(point);
    }
}
