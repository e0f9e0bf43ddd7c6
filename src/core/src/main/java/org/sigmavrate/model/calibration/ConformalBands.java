package org.sigmavrate.model.calibration;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Conformalized quantile regression (CQR) of the σ-GPT's central intervals, per {@link ObservationBuckets} bucket:
 * the central interval [lo, hi] of nominal probability 1 − α (levels α/2 and 1 − α/2) becomes [lo − c, hi + c], c
 * fitted on calibration flights so that the corrected intervals cover a fraction 1 − α of them. c &lt; 0 narrows an
 * interval that over-covers; how a narrowed interval stops at the median and how the published quantiles are moved:
 * {@link CalibratedBands}. Two conformity scores ({@link Score}): the truth as a point, or its tokenizer bin.
 *
 * @param score     how c was fitted
 * @param coverages the central probabilities 1 − α fitted, ascending (e.g. 0.5 and 0.9)
 * @param widen     [coverage][bucket]: c in ft/min; NaN when not fitted (the nearest fitted bucket stands in)
 * @param counts    [bucket]: hidden steps the bucket was fitted on
 */
public record ConformalBands(Score score, double[] coverages, double[][] widen, long[] counts) {
    /** The conformity score the corrections were fitted with. */
    public enum Score {
        /**
         * The truth as a point: score max(lo − y, y − hi), c its ⌈(n + 1)(1 − α)⌉-th smallest of n (plain CQR).
         */
        POINT("point"),
        /**
         * The truth as its bin: c the smallest value at which the corrected intervals cover, on average over the
         * bucket's n steps, a fraction (1 − α)(n + 1)/n of the truths' bins ({@link RandomizedCoverage}); the
         * same conformal quantile for a truth replaced by a uniform draw within its bin, computed exactly.
         */
        RANDOMIZED("randomized");

        private final String label;

        Score(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Score parse(String text) {
            for (Score s : values()) {
                if (s.label.equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("conformity score '" + text + "' is not point or randomized");
        }
    }

    /** The central probabilities of the levels 0.05/0.95 and 0.25/0.75, fitted by calibration files of format v1. */
    public static final double[] V1_COVERAGES = {0.5, 0.9};

    public ConformalBands {
        if (widen.length != coverages.length || counts.length != ObservationBuckets.count()) {
            throw new IllegalArgumentException("one row of corrections per coverage, one count per bucket ("
                    + ObservationBuckets.count() + ")");
        }
        for (int k = 0; k < coverages.length; k++) {
            if (widen[k].length != ObservationBuckets.count() || !(coverages[k] > 0 && coverages[k] < 1)
                    || (k > 0 && coverages[k] <= coverages[k - 1])) {
                throw new IllegalArgumentException("coverages ascending in (0, 1), one correction per bucket each: "
                        + Arrays.toString(coverages));
            }
        }
    }

    /** The index of {@code coverage} among the fitted ones, -1 when it was not fitted. */
    public int indexOf(double coverage) {
        for (int k = 0; k < coverages.length; k++) {
            if (Math.abs(coverages[k] - coverage) < 1e-9) {
                return k;
            }
        }
        return -1;
    }

    /** c of the k-th coverage for {@code bucket}: the nearest fitted bucket's when it has none; 0 when none has. */
    public double widen(int k, int bucket) {
        double[] by = widen[k];
        boolean[] fitted = new boolean[by.length];
        for (int b = 0; b < by.length; b++) {
            fitted[b] = !Double.isNaN(by[b]);
        }
        int use = ObservationBuckets.nearestFitted(bucket, fitted);
        return use < 0 ? 0 : by[use];
    }

    /** The central coverage of a quantile level: |1 − 2τ| (0.05 and 0.95: 0.9; 0.5: 0). */
    public static double coverageOf(double level) {
        return Math.round(Math.abs(1 - 2 * level) * 1e9) / 1e9;
    }

    /** "50", "97.5": a coverage as a percentage, for names (widen_50_fpm). */
    public static String percent(double coverage) {
        String s = String.format(Locale.ROOT, "%.6f", coverage * 100).replaceAll("0+$", "");
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    /** The distinct central coverages of quantile levels (the median has none), ascending. */
    public static double[] coveragesOf(double[] levels) {
        return Arrays.stream(levels).map(ConformalBands::coverageOf).filter(c -> c > 0).distinct().sorted().toArray();
    }

    /** c for scores of one bucket at miscoverage α: the ⌈(n+1)(1−α)⌉-th smallest, the largest when that is past n. */
    public static double conformalQuantile(double[] sortedScores, double alpha) {
        int n = sortedScores.length;
        if (n == 0) {
            return Double.NaN;
        }
        int k = (int) Math.ceil((n + 1) * (1 - alpha));
        return sortedScores[Math.min(n, Math.max(1, k)) - 1];
    }

    /**
     * c for the steps of one bucket at miscoverage α with the {@link Score#RANDOMIZED} score: the smallest c (to
     * 1e-6 ft/min) at which the mean covered fraction of the truths' bins by the corrected intervals
     * ({@link CalibratedBands#interval}) reaches min(1, (1 − α)(n + 1)/n). That mean is non-decreasing in c, so
     * bisection finds it.
     *
     * @param steps per step {lo, centre, hi, truth, bin lower edge, bin upper edge}
     */
    public static double randomizedConformalQuantile(List<double[]> steps, double alpha) {
        int n = steps.size();
        if (n == 0) {
            return Double.NaN;
        }
        double target = Math.min(1, (1 - alpha) * (n + 1) / n);
        double lo = -1;
        double hi = 1;
        while (meanCovered(steps, lo) >= target && lo > -1e7) {
            lo *= 2;
        }
        while (meanCovered(steps, hi) < target && hi < 1e7) {
            hi *= 2;
        }
        while (hi - lo > 1e-6) {
            double mid = (lo + hi) / 2;
            if (meanCovered(steps, mid) >= target) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    private static double meanCovered(List<double[]> steps, double c) {
        double sum = 0;
        for (double[] s : steps) {
            double[] band = CalibratedBands.interval(s[0], s[1], s[2], c);
            sum += RandomizedCoverage.of(band[0], band[1], s[3], s[4], s[5]);
        }
        return sum / steps.size();
    }
}
