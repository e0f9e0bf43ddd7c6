package org.sigmavrate.model.calibration;

import java.util.Arrays;
import java.util.Locale;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;

/**
 * The one definition of the buckets that calibrations are fitted per: a hidden step's kind (between two observed
 * steps, or beyond them: after the last observation, a forecast, or before the first, its mirror image) and its
 * distance in grid steps to the nearest observed step, in ranges. Errors grow with the distance and differ between
 * interpolating and extrapolating, so one spread for all hidden steps would be too wide near observations and too
 * narrow far from them.
 */
public final class ObservationBuckets {
    /** Kinds of hidden step. */
    public enum Kind {
        BETWEEN, BEYOND;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Upper ends (inclusive) of the distance ranges; the last range is open. */
    private static final int[] DISTANCE_UPPER = {1, 2, 3, 4, 6, 8, 12, 16, 24};
    private static final int RANGES = DISTANCE_UPPER.length + 1;

    private ObservationBuckets() {
    }

    public static int count() {
        return Kind.values().length * RANGES;
    }

    public static int bucket(Kind kind, int distance) {
        int range = 0;
        while (range < DISTANCE_UPPER.length && distance > DISTANCE_UPPER[range]) {
            range++;
        }
        return kind.ordinal() * RANGES + range;
    }

    public static Kind kind(int bucket) {
        return Kind.values()[bucket / RANGES];
    }

    /** A step counts as observed when it has a rate or an altitude (as for the altitude-difference rule's spans). */
    public static boolean[] observedSteps(ObservedWindow window) {
        boolean[] observed = new boolean[window.steps()];
        for (int s = 0; s < observed.length; s++) {
            observed[s] = window.observed(s, Channel.VERTICAL_RATE) || window.observed(s, Channel.ALTITUDE);
        }
        return observed;
    }

    /** Per step of a window, its bucket ({@link #observedSteps}); -1 for observed steps. */
    public static int[] of(ObservedWindow window) {
        return of(observedSteps(window));
    }

    /** Per step, its bucket; -1 for observed steps. With nothing observed every step is beyond, at the open range. */
    public static int[] of(boolean[] observed) {
        int n = observed.length;
        int[] before = new int[n];
        int[] after = new int[n];
        int last = -1;
        for (int s = 0; s < n; s++) {
            last = observed[s] ? s : last;
            before[s] = last;
        }
        last = -1;
        for (int s = n - 1; s >= 0; s--) {
            last = observed[s] ? s : last;
            after[s] = last;
        }
        int[] out = new int[n];
        for (int s = 0; s < n; s++) {
            if (observed[s]) {
                out[s] = -1;
            } else if (before[s] >= 0 && after[s] >= 0) {
                out[s] = bucket(Kind.BETWEEN, Math.min(s - before[s], after[s] - s));
            } else if (before[s] >= 0 || after[s] >= 0) {
                out[s] = bucket(Kind.BEYOND, before[s] >= 0 ? s - before[s] : after[s] - s);
            } else {
                out[s] = bucket(Kind.BEYOND, Integer.MAX_VALUE);
            }
        }
        return out;
    }

    /** "between 1", "between 5-6", "beyond 25+": the names used in calibration files. */
    public static String label(int bucket) {
        int range = bucket % RANGES;
        int from = range == 0 ? 1 : DISTANCE_UPPER[range - 1] + 1;
        String distance = range == RANGES - 1 ? from + "+"
                : from == DISTANCE_UPPER[range] ? String.valueOf(from) : from + "-" + DISTANCE_UPPER[range];
        return kind(bucket).label() + " " + distance;
    }

    public static int ofLabel(String label) {
        for (int b = 0; b < count(); b++) {
            if (label(b).equals(label)) {
                return b;
            }
        }
        throw new IllegalArgumentException("unknown bucket '" + label + "' (known: " + Arrays.toString(labels()) + ")");
    }

    public static String[] labels() {
        String[] out = new String[count()];
        for (int b = 0; b < out.length; b++) {
            out[b] = label(b);
        }
        return out;
    }

    /**
     * The bucket to use for {@code bucket} when it has no fitted value ({@code fitted[b]} false): the nearest fitted
     * distance range of the same kind (the shorter one on a tie), else of the other kind; -1 when none is fitted.
     */
    public static int nearestFitted(int bucket, boolean[] fitted) {
        int range = bucket % RANGES;
        int kind = bucket / RANGES;
        for (int k = 0; k < Kind.values().length; k++) {
            int base = ((kind + k) % Kind.values().length) * RANGES;
            for (int d = 0; d < RANGES; d++) {
                if (range - d >= 0 && fitted[base + range - d]) {
                    return base + range - d;
                }
                if (range + d < RANGES && fitted[base + range + d]) {
                    return base + range + d;
                }
            }
        }
        return -1;
    }
}
