package org.sigmavrate.dataset;

import org.sigmavrate.preparation.WindowPolicy;

/**
 * How windows are cut and split.
 *
 * @param stride          steps between the starts of consecutive windows of a flight
 * @param minRateCoverage fraction of a window's steps that must have a vertical rate
 * @param maxGapMillis    a longer silence of one aircraft starts a new flight
 * @param seed            seed of the flight split
 * @param valFraction     fraction of flights kept for validation
 * @param testFraction    fraction of flights kept for testing, never trained or validated on
 */
public record DatasetOptions(int stride, double minRateCoverage, long maxGapMillis, long seed, double valFraction,
        double testFraction) {
    public DatasetOptions {
        if (stride <= 0 || minRateCoverage < 0 || minRateCoverage > 1 || maxGapMillis <= 0
                || valFraction < 0 || testFraction < 0 || valFraction + testFraction >= 1) {
            throw new IllegalArgumentException("need stride > 0, 0 <= min-coverage <= 1, max-gap-minutes > 0, "
                    + "fractions >= 0 with a sum below 1");
        }
    }

    /** The training windows these options cut. */
    public WindowPolicy.Training windowPolicy() {
        return new WindowPolicy.Training(stride, minRateCoverage);
    }
}
