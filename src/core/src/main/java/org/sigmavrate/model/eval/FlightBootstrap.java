package org.sigmavrate.model.eval;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap over flights for a ratio of sums (an MAE ratio is Σ|e_row| / Σ|e_baseline| over the same hidden
 * steps): each replicate draws as many flights as there are, with replacement, and recomputes the ratio of the sums
 * over the drawn flights. Flights are resampled, not windows or steps, because the steps of one flight share its
 * aircraft, route and weather and are far from independent. Every call uses the same seed, so all ratios over the
 * same flights are computed on the same replicates.
 */
public final class FlightBootstrap {
    public static final int DEFAULT_REPLICATES = 2000;
    private final int replicates;
    private final long seed;

    public FlightBootstrap(int replicates, long seed) {
        if (replicates < 1) {
            throw new IllegalArgumentException("bootstrap replicates must be >= 1");
        }
        this.replicates = replicates;
        this.seed = seed;
    }

    public int replicates() {
        return replicates;
    }

    public long seed() {
        return seed;
    }

    /** A ratio over all flights and its 95% percentile interval; NaN bounds when no replicate had a denominator. */
    public record Interval(double estimate, double low, double high) {
        public boolean contains(double value) {
            return value >= low && value <= high;
        }

        public double width() {
            return high - low;
        }
    }

    /** Σ numerator / Σ denominator, one entry per flight (both arrays in the same flight order). */
    public Interval ratio(double[] numerator, double[] denominator) {
        if (numerator.length != denominator.length) {
            throw new IllegalArgumentException("one numerator and one denominator per flight");
        }
        int n = numerator.length;
        double estimate = Arrays.stream(numerator).sum() / Arrays.stream(denominator).sum();
        SplittableRandom rng = new SplittableRandom(seed);
        double[] ratios = new double[replicates];
        int kept = 0;
        for (int r = 0; r < replicates; r++) {
            double num = 0;
            double den = 0;
            for (int i = 0; i < n; i++) {
                int f = rng.nextInt(n);
                num += numerator[f];
                den += denominator[f];
            }
            if (den > 0) {
                ratios[kept++] = num / den;
            }
        }
        if (kept == 0) {
            return new Interval(estimate, Double.NaN, Double.NaN);
        }
        double[] sorted = Arrays.copyOf(ratios, kept);
        Arrays.sort(sorted);
        return new Interval(estimate, Evaluator.empiricalQuantile(sorted, 0.025),
                Evaluator.empiricalQuantile(sorted, 0.975));
    }
}
