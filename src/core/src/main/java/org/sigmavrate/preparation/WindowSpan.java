package org.sigmavrate.preparation;

/**
 * Where a window lies on its flight's grid: steps {@code [startStep, startStep + steps)}, step 0 being the flight's
 * first report. A span may reach past the flight's last report (a forecast ahead), never before its first.
 *
 * @param startStep the window's first step
 * @param steps     its length in steps
 */
public record WindowSpan(long startStep, int steps) {
    public WindowSpan {
        if (startStep < 0 || steps <= 0) {
            throw new IllegalArgumentException("a window starts at step 0 or later and has at least one step");
        }
    }

    public long endStep() {
        return startStep + steps;
    }
}
