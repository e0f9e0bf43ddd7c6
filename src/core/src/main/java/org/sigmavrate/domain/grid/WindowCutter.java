package org.sigmavrate.domain.grid;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a gridded flight into fixed-length windows every {@code stride} steps, keeping those in which at least
 * {@code minRateCoverage} of the steps have a vertical rate (a window of mostly nothing teaches nothing).
 */
public final class WindowCutter {
    private final int windowSteps;
    private final int stride;
    private final double minRateCoverage;

    public WindowCutter(int windowSteps, int stride, double minRateCoverage) {
        if (windowSteps <= 0 || stride <= 0) {
            throw new IllegalArgumentException("window length and stride must be positive");
        }
        if (minRateCoverage < 0 || minRateCoverage > 1) {
            throw new IllegalArgumentException("coverage must lie in [0, 1]");
        }
        this.windowSteps = windowSteps;
        this.stride = stride;
        this.minRateCoverage = minRateCoverage;
    }

    public List<GriddedFlight> cut(GriddedFlight flight) {
        List<GriddedFlight> windows = new ArrayList<>();
        for (int from = 0; from + windowSteps <= flight.steps(); from += stride) {
            GriddedFlight window = flight.slice(from, windowSteps);
            if (window.countWith(Channel.VERTICAL_RATE) >= Math.ceil(minRateCoverage * windowSteps)) {
                windows.add(window);
            }
        }
        return windows;
    }
}
