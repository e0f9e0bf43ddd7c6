package org.sigmavrate.tools.loadbench;

import static org.sigmavrate.tools.loadbench.BenchOutput.out;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The ladder's table: one row per step, under it where the CPU went, the policy's decisions and each instance's
 * share; at the end the largest N at the cadence and with the lag bounded.
 */
final class LadderTable {
    private LadderTable() {
    }

    static void header() {
        out("%7s %8s %7s %7s %7s %7s %6s %6s %7s %5s %5s %8s %7s %6s %7s %7s %7s %7s %6s %6s %5s %6s %s", "N",
                "policy", "in/s", "lag mid", "lag end", "lag max", "slope", "calls", "win/cl", "steps", "fwd",
                "win/s", "stretch", "skip", "e2e p50", "e2e p99", "band50", "band99", "age99", "agemax", "never",
                "genlag", "verdict");
    }

    static void row(LadderStep step) {
        out("%7d %8s %,7.0f %,7.0f %,7.0f %,7.0f %6.1f %6d %7.1f %5.1f %5.1f %8.1f %,7.0f %5.1f%% %5.0fms %5.0fms "
                + "%5.0fms %5.0fms %5.1fs %5.1fs %5d %4dms %s",
                step.n, step.policy, step.inRate, step.lagStart(), step.lagEnd(), step.lagMax(), step.lagSlope(),
                step.calls, step.windowsPerCall(), step.windows == 0 ? 0.0 : (double) step.windowSteps / step.windows,
                step.windows == 0 ? 0.0 : (double) step.forward / step.windows, step.windowsPerSecond(),
                step.stretched, 100 * step.triggers.skipShare(), step.e2e(0.5), step.e2e(0.99),
                step.leftBandE2e(0.5), step.leftBandE2e(0.99), step.ages.quantile(0.99) / 1000.0,
                step.ages.max() / 1000.0, step.ages.neverForecast(), step.generatorBehindMillis, step.verdict());
        out("        %s; %.2f windows per aircraft per minute", step.cpu, 60 * step.windowsPerSecond() / step.n);
        if (step.triggers.total() > 0) {
            StringBuilder b = new StringBuilder("        decisions/s (decision/reason):");
            step.triggers.byDecisionAndReason().forEach((k, v) -> b.append(String.format(Locale.ROOT, " %s %.1f,", k,
                    v / step.seconds())));
            out("%s %d left-band records", b, step.leftBandE2e.length);
        }
        if (!step.ages.overEndedBy().isEmpty()) {
            out("        aircraft older than %.0f s at some point: %d, the gap ended by %s", step.ages.over() / 1000.0,
                    step.ages.overEndedBy().values().stream().mapToInt(Integer::intValue).sum(),
                    step.ages.overEndedBy());
        }
        BandsReader.Ages gap = step.agesWithGap;
        out("        age: %d aircraft reported data throughout (the columns); %d had a coverage gap in their recorded "
                + "flight (no altitude nor rate for 10 s or more) since %d s before the step's second half: age p50 "
                + "%.1f s, p99 %.1f s, max %.1f s, never forecast %d", step.ages.sortedMillis().length
                + step.ages.neverForecast(), gap.sortedMillis().length + gap.neverForecast(),
                Ladder.COVERAGE_LOOKBACK_SECONDS, gap.quantile(0.5) / 1000.0, gap.quantile(0.99) / 1000.0,
                gap.max() / 1000.0, gap.neverForecast());
        if (step.instances.size() > 1) {
            for (LadderStep.InstanceFigures i : step.instances) {
                out("        instance %d: input partitions %s, %,.0f reports/s, %.1f windows/s", i.index(),
                        i.partitions(), i.reportsPerSecond(), i.windowsPerSecond());
            }
        }
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
