package org.sigmavrate.model.density;

import java.util.Arrays;

/**
 * A distribution given by its quantile function: linear in the level between knots (level_i, value_i), constant
 * below the first level and above the last, i.e. uniform mass between neighbouring knot values and point masses of
 * level_1 at value_1 and of 1 - level_m at value_m. Knot values that repeat are a point mass (a flat stretch of Q).
 * Built from a set of fitted quantiles, it needs no assumption about the shape between them.
 */
public final class PiecewiseLinearQuantiles {
    private final double[] levels;
    private final double[] values;

    /** @param levels ascending in [0, 1]; @param values the quantiles at them, non-decreasing */
    public PiecewiseLinearQuantiles(double[] levels, double[] values) {
        if (levels.length == 0 || levels.length != values.length) {
            throw new IllegalArgumentException("one value per level, at least one");
        }
        for (int i = 0; i < levels.length; i++) {
            if (levels[i] < 0 || levels[i] > 1 || (i > 0 && (levels[i] <= levels[i - 1] || values[i] < values[i - 1]))) {
                throw new IllegalArgumentException("levels ascending in [0, 1], values non-decreasing: "
                        + Arrays.toString(levels) + " " + Arrays.toString(values));
            }
        }
        this.levels = levels.clone();
        this.values = values.clone();
    }

    /** The same distribution moved by {@code offset}. */
    public PiecewiseLinearQuantiles shifted(double offset) {
        double[] v = values.clone();
        for (int i = 0; i < v.length; i++) {
            v[i] += offset;
        }
        return new PiecewiseLinearQuantiles(levels, v);
    }

    public double quantile(double level) {
        if (level <= levels[0]) {
            return values[0];
        }
        for (int i = 1; i < levels.length; i++) {
            if (level <= levels[i]) {
                double f = (level - levels[i - 1]) / (levels[i] - levels[i - 1]);
                return values[i - 1] + f * (values[i] - values[i - 1]);
            }
        }
        return values[values.length - 1];
    }

    public double median() {
        return quantile(0.5);
    }

    /**
     * The CRPS of {@code observed}, exactly: 2 ∫₀¹ ρ_τ(observed − Q(τ)) dτ with the pinball loss
     * ρ_τ(u) = u (τ − 1{u < 0}). On each piece where Q is linear the integrand is a quadratic in τ (split where Q
     * crosses the observation), so Simpson's rule integrates it without error.
     */
    public double crps(double observed) {
        double total = 0;
        double prevLevel = 0;
        double prevValue = values[0];
        for (int i = 0; i <= levels.length; i++) {
            double level = i < levels.length ? levels[i] : 1;
            double value = i < levels.length ? values[i] : values[values.length - 1];
            total += piece(prevLevel, prevValue, level, value, observed);
            prevLevel = level;
            prevValue = value;
        }
        return 2 * total;
    }

    private static double piece(double a, double qa, double b, double qb, double y) {
        if (b <= a) {
            return 0;
        }
        if ((qa - y) * (qb - y) < 0) {
            double c = a + (y - qa) / (qb - qa) * (b - a);
            return simpson(a, qa, c, y, y) + simpson(c, y, b, qb, y);
        }
        return simpson(a, qa, b, qb, y);
    }

    /** ∫ over [a, b] of the pinball loss with Q linear from qa to qb, Q − y of one sign on the piece. */
    private static double simpson(double a, double qa, double b, double qb, double y) {
        double m = (a + b) / 2;
        double qm = (qa + qb) / 2;
        return (b - a) / 6 * (pinball(a, qa, y) + 4 * pinball(m, qm, y) + pinball(b, qb, y));
    }

    private static double pinball(double level, double q, double y) {
        return (y < q ? 1 - level : -level) * (q - y);
    }
}
