package org.sigmavrate.model.density;

import java.util.SplittableRandom;

import org.sigmavrate.domain.token.BinScale;

/**
 * The model's predictive distribution of one channel at one step: a probability per bin of the channel's scale.
 *
 * <p>Mean, sampling and CRPS treat it as a discrete distribution on the bins' representative values. Quantiles
 * (and the median, the point estimate) interpolate within a bin, as if its mass were spread uniformly between its
 * edges; an open-ended outer bin is a point mass at its representative value. Interpolating keeps quantiles
 * continuous in the probabilities instead of jumping a whole bin (32 ft/min for most rates, 25 ft for altitudes).
 */
public final class CategoricalDensity {
    private final BinScale scale;
    private final double[] p;

    public CategoricalDensity(BinScale scale, double[] probabilities) {
        if (probabilities.length != scale.size()) {
            throw new IllegalArgumentException("need one probability per bin");
        }
        this.scale = scale;
        this.p = probabilities;
    }

    public double probability(int bin) {
        return p[bin];
    }

    public double[] probabilities() {
        return p;
    }

    public int bins() {
        return p.length;
    }

    public BinScale scale() {
        return scale;
    }

    /** Probability of the bin holding {@code value}. */
    public double probabilityOf(double value) {
        return p[scale.bin(value)];
    }

    public double mean() {
        double m = 0;
        for (int k = 0; k < p.length; k++) {
            m += p[k] * scale.value(k);
        }
        return m;
    }

    public double median() {
        return quantile(0.5);
    }

    public double quantile(double level) {
        double cum = 0;
        int last = 0;
        for (int k = 0; k < p.length; k++) {
            if (p[k] <= 0) {
                continue;
            }
            last = k;
            if (cum + p[k] >= level) {
                return withinBin(k, level, cum);
            }
            cum += p[k];
        }
        return scale.value(last);
    }

    /**
     * The value at which the cumulative probability reaches {@code level} inside bin {@code k}, {@code below} being
     * the mass of the bins before it: linear within the bin's edges, the representative value of an open outer bin.
     */
    private double withinBin(int k, double level, double below) {
        double lo = scale.lowerEdge(k);
        double hi = scale.upperEdge(k);
        if (Double.isInfinite(lo) || Double.isInfinite(hi)) {
            return scale.value(k);
        }
        double f = Math.min(1, Math.max(0, (level - below) / p[k]));
        return lo + f * (hi - lo);
    }

    /** The quantiles at {@code levels}; ascending levels (the usual band) take one pass over the bins. */
    public double[] quantiles(double[] levels) {
        double[] q = new double[levels.length];
        for (int i = 1; i < levels.length; i++) {
            if (levels[i] < levels[i - 1]) {
                for (int j = 0; j < levels.length; j++) {
                    q[j] = quantile(levels[j]);
                }
                return q;
            }
        }
        double cum = 0;
        int last = 0;
        int i = 0;
        for (int k = 0; k < p.length && i < levels.length; k++) {
            if (p[k] <= 0) {
                continue;
            }
            last = k;
            while (i < levels.length && cum + p[k] >= levels[i]) {
                q[i] = withinBin(k, levels[i], cum);
                i++;
            }
            cum += p[k];
        }
        for (; i < levels.length; i++) {
            q[i] = scale.value(last);
        }
        return q;
    }

    /** A bin drawn from the distribution with one uniform number. */
    public int sample(SplittableRandom rng) {
        return sampleBin(p, rng.nextDouble());
    }

    /** The bin at which the cumulative sum of {@code weights} (not necessarily normalised) first exceeds u * sum. */
    public static int sampleBin(double[] weights, double u) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double target = u * total;
        double cum = 0;
        int lastPositive = -1;
        for (int k = 0; k < weights.length; k++) {
            if (weights[k] > 0) {
                cum += weights[k];
                lastPositive = k;
                if (cum > target) {
                    return k;
                }
            }
        }
        return Math.max(lastPositive, 0);
    }

    /**
     * The continuous ranked probability score of {@code observed} under this distribution taken as discrete on the
     * bins' representative values: the integral of (F(x) - 1{x >= observed})^2, computed exactly.
     */
    public double crps(double observed) {
        double[] values = new double[p.length];
        for (int k = 0; k < p.length; k++) {
            values[k] = scale.value(k);
        }
        return crpsDiscrete(values, p, observed);
    }

    /**
     * CRPS of a discrete distribution with ascending support {@code values} and probabilities {@code probs}:
     * E|X - y| - E|X - X'| / 2, with the second term summed in one pass over the sorted support.
     */
    public static double crpsDiscrete(double[] values, double[] probs, double y) {
        double absError = 0;
        double spread = 0;
        double cdfBelow = 0;
        double weightedBelow = 0;
        for (int k = 0; k < values.length; k++) {
            double pk = probs[k];
            if (pk == 0) {
                continue;
            }
            absError += pk * Math.abs(values[k] - y);
            spread += pk * (values[k] * cdfBelow - weightedBelow);
            cdfBelow += pk;
            weightedBelow += pk * values[k];
        }
        return absError - spread;
    }
}
