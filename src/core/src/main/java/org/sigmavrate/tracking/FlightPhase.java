package org.sigmavrate.tracking;

/**
 * Climb, level or descent, from the vertical rate with hysteresis: ADS-B rates jitter by ±64–128 ft/min in level
 * flight, so a phase is entered only beyond a clear threshold and left for level only well inside the level band;
 * in between the previous phase is kept (see {@link ReforecastRules} for the thresholds).
 */
public enum FlightPhase {
    CLIMB, LEVEL, DESCENT;

    /**
     * The phase after a report of {@code rateFpm}, given the phase before it (null: none yet). Without a previous
     * phase, a rate in the hysteresis zone takes its sign's phase.
     */
    public static FlightPhase next(FlightPhase previous, double rateFpm, ReforecastRules rules) {
        if (Double.isNaN(rateFpm)) {
            return previous;
        }
        if (rateFpm > rules.climbAboveFpm()) {
            return CLIMB;
        }
        if (rateFpm < -rules.descentBelowFpm()) {
            return DESCENT;
        }
        if (Math.abs(rateFpm) < rules.levelWithinFpm()) {
            return LEVEL;
        }
        if (previous != null) {
            return previous;
        }
        return rateFpm > 0 ? CLIMB : DESCENT;
    }
}
