package org.sigmavrate.tracking;

import org.sigmavrate.domain.grid.GridDefinition;

/**
 * How one aircraft's reports become forecast windows.
 *
 * @param grid          the model's grid (step and longest window)
 * @param windowSteps   a window's length in grid steps (at most the grid's: the model's longest): the horizon's
 *                      steps ahead and the rest of the recent past, infilled. A shorter one makes a shorter density
 *                      pass, fewer past gaps to query and a smaller track to keep
 * @param horizonMillis a window ends this long after the latest report (rounded up to a grid step)
 * @param cadenceMillis a flight triggers at most once per this much event time
 * @param graceMillis   reports up to this much older than the flight's latest report are used; older ones dropped
 * @param maxGapMillis  a longer silence starts a new flight
 * @param minReports    a flight triggers once it has at least this many reports
 * @param reforecast    when a flight due at the cadence is re-forecast or its standing forecast confirmed
 */
public record TrackRules(GridDefinition grid, int windowSteps, long horizonMillis, long cadenceMillis,
        long graceMillis, long maxGapMillis, int minReports, ReforecastRules reforecast) {
    /** Windows of the grid's length. */
    public TrackRules(GridDefinition grid, long horizonMillis, long cadenceMillis, long graceMillis, long maxGapMillis,
            int minReports, ReforecastRules reforecast) {
        this(grid, grid.windowSteps(), horizonMillis, cadenceMillis, graceMillis, maxGapMillis, minReports,
                reforecast);
    }

    /** Re-forecast at every cadence ({@link ReforecastRules#CADENCE}). */
    public TrackRules(GridDefinition grid, long horizonMillis, long cadenceMillis, long graceMillis, long maxGapMillis,
            int minReports) {
        this(grid, grid.windowSteps(), horizonMillis, cadenceMillis, graceMillis, maxGapMillis, minReports,
                ReforecastRules.CADENCE);
    }

    public TrackRules {
        java.util.Objects.requireNonNull(reforecast, "reforecast (ReforecastRules.CADENCE for the cadence policy)");
        if (horizonMillis < 0 || cadenceMillis < 0 || graceMillis < 0 || maxGapMillis <= 0 || minReports < 1) {
            throw new IllegalArgumentException("horizon, cadence and grace must be >= 0, max gap > 0, min reports >= 1");
        }
        if (windowSteps < 2 || windowSteps > grid.windowSteps()) {
            throw new IllegalArgumentException("a window is 2 to " + grid.windowSteps()
                    + " steps (the model's longest), not " + windowSteps);
        }
        if (horizonMillis >= (windowSteps - 1) * grid.stepMillis()) {
            throw new IllegalArgumentException("the horizon (" + horizonMillis / 1000 + " s) must be shorter than the "
                    + "window (" + windowSteps + " steps of " + grid.stepMillis() / 1000 + " s)");
        }
    }

    public TrackRules withReforecast(ReforecastRules r) {
        return new TrackRules(grid, windowSteps, horizonMillis, cadenceMillis, graceMillis, maxGapMillis, minReports,
                r);
    }

    public TrackRules withWindowSteps(int steps) {
        return new TrackRules(grid, steps, horizonMillis, cadenceMillis, graceMillis, maxGapMillis, minReports,
                reforecast);
    }
}
