package org.sigmavrate.model.calibration;

import org.sigmavrate.domain.token.BinScale;

/**
 * Coverage of a discrete truth by a central interval, randomized: the truth is replaced by a draw uniform within its
 * own tokenizer bin, and the expected indicator of that draw lying in the interval, the fraction of the bin the
 * interval covers, is what counts. This is the standard treatment of discrete outcomes (the randomized PIT): a
 * forecast that is calibrated for the rate spread uniformly within its bins, which is how the σ-GPT's quantiles read
 * its bin probabilities ({@code CategoricalDensity}), covers nominally, whereas the plain indicator credits every
 * interval lying inside the bin [-16, 16) with every level-flight truth of exactly 0.
 */
public final class RandomizedCoverage {
    private RandomizedCoverage() {
    }

    /**
     * The fraction of the bin [binLo, binHi) inside [lo, hi]; for an open-ended outer bin (an infinite edge) the
     * plain indicator of {@code truth} in [lo, hi].
     */
    public static double of(double lo, double hi, double truth, double binLo, double binHi) {
        if (Double.isInfinite(binLo) || Double.isInfinite(binHi)) {
            return truth >= lo && truth <= hi ? 1 : 0;
        }
        double overlap = Math.min(hi, binHi) - Math.max(lo, binLo);
        return overlap <= 0 ? 0 : Math.min(1, overlap / (binHi - binLo));
    }

    /** {@link #of(double, double, double, double, double)} with the truth's bin taken from {@code bins}. */
    public static double of(double lo, double hi, double truth, BinScale bins) {
        int bin = bins.bin(truth);
        return of(lo, hi, truth, bins.lowerEdge(bin), bins.upperEdge(bin));
    }
}
