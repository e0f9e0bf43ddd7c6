package org.sigmavrate.cli.plot;

import org.sigmavrate.model.calibration.ConformalBands;

/**
 * Where a fan chart's two bands sit among a forecast's quantile levels: the central 50% interval (levels 0.25 and
 * 0.75 by default) and the central 90% one (0.05 and 0.95). The levels are whatever the forecast was made with
 * ({@code forecaster.quantiles} / {@code --quantiles}); a band whose two ends are not among them is not drawn.
 */
public record BandLevels(int lower50, int upper50, int lower90, int upper90) {
    public static final double INNER = 0.5;
    public static final double OUTER = 0.9;

    public static BandLevels of(double[] levels) {
        return new BandLevels(end(levels, INNER, true), end(levels, INNER, false), end(levels, OUTER, true),
                end(levels, OUTER, false));
    }

    public boolean hasInner() {
        return lower50 >= 0 && upper50 >= 0;
    }

    public boolean hasOuter() {
        return lower90 >= 0 && upper90 >= 0;
    }

    /** The index of the level that is the lower (or upper) end of the central interval of this probability; -1: none. */
    private static int end(double[] levels, double coverage, boolean lower) {
        for (int i = 0; i < levels.length; i++) {
            if ((levels[i] < 0.5) == lower && levels[i] != 0.5 && ConformalBands.coverageOf(levels[i]) == coverage) {
                return i;
            }
        }
        return -1;
    }
}
