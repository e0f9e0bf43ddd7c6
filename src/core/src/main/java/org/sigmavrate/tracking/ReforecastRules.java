package org.sigmavrate.tracking;

import java.util.Arrays;

/**
 * When a flight gets a new forecast. {@link Mode#CADENCE}: every cadence of event time ({@link TrackRules}), whatever
 * changed (the behaviour before this policy). {@link Mode#CHANGES}: only when something changed since the standing
 * (latest published) forecast, checked at every report the track places:
 * <ul>
 * <li>{@link Trigger#FIRST}: the flight has no forecast yet;</li>
 * <li>{@link Trigger#LEFT_BAND}: the report's vertical rate is outside the standing forecast's central band at the
 * report's grid step, by more than the tolerance;</li>
 * <li>{@link Trigger#PHASE_CHANGE}: the flight phase ({@link FlightPhase}) differs from the standing forecast's;</li>
 * <li>{@link Trigger#MAX_AGE}: the standing forecast's last report is {@code maxAgeMillis} or more behind the latest
 * report.</li>
 * </ul>
 * Otherwise the standing forecast stands, and a report at which the cadence would have triggered is
 * {@link FlightTrack.Outcome#CONFIRMED}. While a forecast triggered after the standing one is still in flight no new
 * one is triggered (unless the in-flight one is the max age old: it may have failed), and band and phase triggers
 * keep {@code minSpacingMillis} of event time after the previous trigger, so a noisy aircraft cannot trigger at
 * every report.
 *
 * @param mode             changes or cadence
 * @param bandPercent      the central band's probability, in percent: 50 = the quantiles 0.25..0.75
 * @param bandToleranceFpm a report leaves the band only when it is more than this outside it. ADS-B rates come in
 *                         quanta of 64 ft/min and jitter by one or two of them in level flight, where the model's
 *                         50% band is about ±50 ft/min: without a tolerance the quantisation alone would leave it at
 *                         every other report
 * @param maxAgeMillis     a standing forecast this much older than the latest report is replaced
 * @param minSpacingMillis least event time between a trigger and a band or phase trigger after it
 * @param climbAboveFpm    a rate above this is a climb
 * @param descentBelowFpm  a rate below minus this is a descent
 * @param levelWithinFpm   a rate within ± this is level flight; between it and the climb or descent threshold the
 *                         previous phase is kept
 */
public record ReforecastRules(Mode mode, int bandPercent, double bandToleranceFpm, long maxAgeMillis, long minSpacingMillis,
        double climbAboveFpm, double descentBelowFpm, double levelWithinFpm) {

    public enum Mode {
        CHANGES, CADENCE;

        /** @return the mode of a configuration value (changes, cadence; any case) */
        public static Mode of(String value) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(value.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("re-forecast mode '" + value + "': expected changes or cadence");
        }
    }

    /**
     * Half a grid step of the bundled grid (10 s steps): a forecast re-run within 5 s of the previous trigger sees
     * the same steps observed, give or take the newest one, so it would mostly repeat the forecast that is about to
     * be published; and 5 s keeps a report that leaves its band within the 10 s target of an output.
     */
    public static final long MIN_SPACING_MILLIS = 5_000;
    /**
     * ±500 ft/min to enter climb or descent, ±250 ft/min to return to level: both beyond ADS-B's jitter of one or
     * two 64 ft/min quanta in level flight, and a 500 ft/min change is a deliberate one (a step climb, the top of
     * descent).
     */
    public static final double CLIMB_ABOVE_FPM = 500;
    public static final double DESCENT_BELOW_FPM = 500;
    public static final double LEVEL_WITHIN_FPM = 250;
    /** Two ADS-B quanta of 64 ft/min (see {@code bandToleranceFpm}). */
    public static final double BAND_TOLERANCE_FPM = 128;

    /** The cadence policy (the behaviour before re-forecasting on changes, and the core's default). */
    public static final ReforecastRules CADENCE = new ReforecastRules(Mode.CADENCE, 50, BAND_TOLERANCE_FPM, 60_000, MIN_SPACING_MILLIS,
            CLIMB_ABOVE_FPM, DESCENT_BELOW_FPM, LEVEL_WITHIN_FPM);

    public ReforecastRules {
        java.util.Objects.requireNonNull(mode, "mode");
        if (bandPercent <= 0 || bandPercent >= 100) {
            throw new IllegalArgumentException("re-forecast band " + bandPercent + "%: expected 1..99");
        }
        if (maxAgeMillis <= 0 || minSpacingMillis < 0 || !(bandToleranceFpm >= 0)) {
            throw new IllegalArgumentException("re-forecast max age > 0, min spacing >= 0, band tolerance >= 0");
        }
        if (!(levelWithinFpm > 0 && levelWithinFpm <= climbAboveFpm && levelWithinFpm <= descentBelowFpm)) {
            throw new IllegalArgumentException("phase thresholds: 0 < level-within <= climb-above and descent-below");
        }
    }

    /**
     * Re-forecasting on changes with this band and max age and the documented tolerance, spacing and phase
     * thresholds.
     */
    public static ReforecastRules changes(int bandPercent, long maxAgeMillis) {
        return new ReforecastRules(Mode.CHANGES, bandPercent, BAND_TOLERANCE_FPM, maxAgeMillis, MIN_SPACING_MILLIS, CLIMB_ABOVE_FPM,
                DESCENT_BELOW_FPM, LEVEL_WITHIN_FPM);
    }

    /** The same rules in another mode (the load bench compares both). */
    public ReforecastRules withMode(Mode m) {
        return new ReforecastRules(m, bandPercent, bandToleranceFpm, maxAgeMillis, minSpacingMillis, climbAboveFpm,
                descentBelowFpm, levelWithinFpm);
    }

    public boolean onChanges() {
        return mode == Mode.CHANGES;
    }

    /**
     * Where the band's bounds are among a forecaster's quantile levels: the levels 0.5 ∓ band/2. Call it at start
     * with the configured levels, so that a band the forecaster does not publish fails there, not at the first
     * forecast.
     *
     * @return {index of the lower bound, index of the upper bound}
     * @throws IllegalArgumentException when either level is not among {@code quantileLevels}
     */
    public int[] bandIndices(double[] quantileLevels) {
        double low = (50 - bandPercent / 2.0) / 100;
        double high = (50 + bandPercent / 2.0) / 100;
        int lo = indexOf(quantileLevels, low);
        int hi = indexOf(quantileLevels, high);
        if (lo < 0 || hi < 0) {
            throw new IllegalArgumentException("a " + bandPercent + "% re-forecast band needs the quantile levels "
                    + low + " and " + high + " (symmetric around the median), but the forecaster publishes "
                    + Arrays.toString(quantileLevels) + ": set the band to one of theirs or add the levels");
        }
        return new int[] {lo, hi};
    }

    private static int indexOf(double[] levels, double level) {
        for (int i = 0; i < levels.length; i++) {
            if (Math.abs(levels[i] - level) < 1e-9) {
                return i;
            }
        }
        return -1;
    }
}
