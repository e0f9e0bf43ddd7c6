package org.sigmavrate.batching;

import java.util.Arrays;

/**
 * The forecaster's measured cost per window: the lower median of the last five calls' seconds per window, so that
 * one call slowed by a GC pause, a busy core or a cold JIT (the first, probing call) does not make the next calls
 * defer windows.
 */
final class CostPerWindow {
    private final double[] recent = new double[5];
    private int calls;

    void record(int windows, long nanos) {
        if (windows > 0) {
            recent[calls++ % recent.length] = nanos / 1e9 / windows;
        }
    }

    /** Calls measured so far. */
    int calls() {
        return calls;
    }

    /** @return seconds per window; NaN until a call has been measured */
    double seconds() {
        if (calls == 0) {
            return Double.NaN;
        }
        double[] last = Arrays.copyOf(recent, Math.min(calls, recent.length));
        Arrays.sort(last);
        return last[(last.length - 1) / 2];
    }
}
