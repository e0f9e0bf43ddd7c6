package org.sigmavrate.tracking;

import org.sigmavrate.domain.grid.GridDefinition;

/**
 * How one aircraft's reports become forecast windows.
 *
 * @param grid          the model's grid (step and window length)
 * @param horizonMillis a window ends this long after the latest report (rounded up to a grid step)
 * @param cadenceMillis a flight triggers at most once per this much event time
 * @param graceMillis   reports up to this much older than the flight's latest report are used; older ones dropped
 * @param maxGapMillis  a longer silence starts a new flight
 * @param minReports    a flight triggers once it has at least this many reports
 * @param reforecast    when a flight due at the cadence is re-forecast or its standing forecast confirmed
 */
public record TrackRules(GridDefinition grid, long horizonMillis, long cadenceMillis, long graceMillis,
        long maxGapMillis, int minReports, ReforecastRules reforecast) {
    /** Re-forecast at every cadence ({@link ReforecastRules#CADENCE}). */
    public TrackRules(GridDefinition grid, long horizonMillis, long cadenceMillis, long graceMillis, long maxGapMillis,
            int minReports) {
        this(grid, horizonMillis, cadenceMillis, graceMillis, maxGapMillis, minReports, ReforecastRules.CADENCE);
    }

    public TrackRules {
        java.util.Objects.requireNonNull(reforecast, "reforecast (ReforecastRules.CADENCE for the cadence policy)");
        if (horizonMillis < 0 || cadenceMillis < 0 || graceMillis < 0 || maxGapMillis <= 0 || minReports < 1) {
            throw new IllegalArgumentException("horizon, cadence and grace must be >= 0, max gap > 0, min reports >= 1");
        }
        if (horizonMillis >= (grid.windowSteps() - 1) * grid.stepMillis()) {
            throw new IllegalArgumentException("the horizon must be shorter than the window");
        }
    }

    public TrackRules withReforecast(ReforecastRules r) {
        return new TrackRules(grid, horizonMillis, cadenceMillis, graceMillis, maxGapMillis, minReports, r);
    }
}
