package org.sigmavrate.tools.loadbench;

import static org.sigmavrate.tools.loadbench.BenchOutput.out;

import java.util.Comparator;
import java.util.List;

/** The ladder's table: one row per step, then the largest N at the cadence and with the lag bounded. */
final class LadderTable {
    private LadderTable() {
    }

    static void header() {
        out("%7s %9s %9s %9s %9s %10s %8s %8s %9s %8s %10s %9s %8s %8s %s", "N", "in/s", "lag mid", "lag end",
                "lag max", "lag slope/s", "calls", "win/call", "steps/win", "fwd/win", "windows/s", "stretched",
                "e2e p50", "e2e p99", "verdict");
    }

    static void row(LadderStep step) {
        out("%7d %,9.0f %,9.0f %,9.0f %,9.0f %,10.1f %8d %8.1f %9.1f %8.1f %10.1f %,9.0f %7.0fms %7.0fms %s",
                step.n, step.inRate, step.lagStart(), step.lagEnd(), step.lagMax(), step.lagSlope(), step.calls,
                step.windowsPerCall(), step.windows == 0 ? 0.0 : (double) step.windowSteps / step.windows,
                step.windows == 0 ? 0.0 : (double) step.forward / step.windows,
                step.windowsPerSecond(), step.stretched, step.e2e(0.5), step.e2e(0.99), step.verdict());
    }

    static void capacity(List<LadderStep> steps) {
        LadderStep top = steps.stream().filter(LadderStep::atCadence).max(Comparator.comparingInt(st -> st.n))
                .orElse(null);
        LadderStep bounded = steps.stream().filter(LadderStep::lagBounded).max(Comparator.comparingInt(st -> st.n))
                .orElse(null);
        out("largest N at the default cadence (lag bounded, no window deferred): %s; largest N with lag bounded "
                + "(cadence stretched beyond capacity): %s", top == null ? "none" : top.n,
                bounded == null ? "none" : bounded.n);
    }
}
