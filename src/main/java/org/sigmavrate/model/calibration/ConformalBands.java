package org.sigmavrate.model.calibration;

/**
 * Conformalized quantile regression of the σ-GPT's central bands, per {@link ObservationBuckets} bucket: a band
 * [lo, hi] of nominal probability 1 − α becomes [lo − c, hi + c], c being the ⌈(n + 1)(1 − α)⌉-th smallest of the
 * bucket's n conformity scores max(lo − y, y − hi) on the calibration flights. c < 0 narrows a band that
 * over-covers (the model's 50% bands cover about 70%); a band narrowed past nothing is its midpoint.
 *
 * @param widen50 [bucket]: c of the central 50% band [q25, q75]; NaN when not fitted (the nearest fitted stands in)
 * @param widen90 [bucket]: c of the central 90% band [q05, q95]
 * @param counts  [bucket]: scores the bucket was fitted on
 */
public record ConformalBands(double[] widen50, double[] widen90, long[] counts) {
    public ConformalBands {
        if (widen50.length != ObservationBuckets.count() || widen90.length != widen50.length
                || counts.length != widen50.length) {
            throw new IllegalArgumentException("one entry per bucket: " + ObservationBuckets.count());
        }
    }

    public double[] central50(int bucket, double lo, double hi) {
        return widen(widen50, bucket, lo, hi);
    }

    public double[] central90(int bucket, double lo, double hi) {
        return widen(widen90, bucket, lo, hi);
    }

    private static double[] widen(double[] by, int bucket, double lo, double hi) {
        boolean[] fitted = new boolean[by.length];
        for (int b = 0; b < by.length; b++) {
            fitted[b] = !Double.isNaN(by[b]);
        }
        int use = ObservationBuckets.nearestFitted(bucket, fitted);
        double c = use < 0 ? 0 : by[use];
        if (hi - lo + 2 * c < 0) {
            double mid = (lo + hi) / 2;
            return new double[] {mid, mid};
        }
        return new double[] {lo - c, hi + c};
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
}
