package org.sigmavrate.dataset;

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
}
