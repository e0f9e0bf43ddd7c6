package org.sigmavrate.tools.loadbench;

import static org.sigmavrate.tools.loadbench.BenchOutput.out;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.onnx.InferenceMetrics;

/**
 * Ceiling (b): after the ladder, with the service stopped, the same forecaster (same session, same threads) alone on
 * the batches the service ran in its most loaded saturated step; its windows/s against the service's in each
 * saturated step.
 */
final class InferenceCeiling {
    private final WindowForecaster forecaster;
    private final double seconds;

    InferenceCeiling(WindowForecaster forecaster, double seconds) {
        this.forecaster = forecaster;
        this.seconds = seconds;
    }

    void measure(Ladder.Outcome ladder) {
        List<LadderStep> steps = ladder.steps();
        RecordingForecaster recording = ladder.recording();
        LadderStep saturated = steps.stream().filter(st -> st.stretched > 0).max(Comparator.comparingInt(st -> st.n))
                .orElse(steps.get(steps.size() - 1));
        List<List<ObservedWindow>> batches = ladder.saturatedBatches() != null ? ladder.saturatedBatches()
                : recording.recentBatches();
        if (batches.isEmpty()) {
            out("ceiling (b): no inference call recorded");
            return;
        }
        long windows = 0;
        InferenceMetrics model = forecaster instanceof SigmaGptForecaster f ? f.session().metrics() : null;
        long[] before = model == null ? null
                : new long[] {model.sequences(), model.steps(), model.outputRows(), (long) (model.seconds() * 1e9)};
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (seconds * 1e9);
        while (System.nanoTime() < deadline) {
            for (List<ObservedWindow> b : batches) {
                forecaster.forecast(b);
                windows += b.size();
                if (System.nanoTime() >= deadline) {
                    break;
                }
            }
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double alone = windows / elapsed;
        double mean = batches.stream().mapToInt(List::size).average().orElse(0);
        double busy = 0;
        for (RecordingForecaster.Call c : recording.calls()) {
            if (c.endMillis() >= saturated.start && c.endMillis() < saturated.end) {
                busy += c.nanos() / 1e9;
            }
        }
        out("%nceiling (b): the forecaster alone on the service's last %d batches of its most loaded saturated step (mean %.1f windows, same session, "
                + "same threads), %.0f s: %.1f windows/s; inside the service at N=%d (saturated: %,.0f windows deferred): "
                + "%.1f windows/s = %.0f%% (forecaster busy %.0f%% of the step)", batches.size(), mean, seconds,
                alone, saturated.n, saturated.stretched, saturated.windowsPerSecond(),
                100 * saturated.windowsPerSecond() / alone, 100 * busy / saturated.seconds());
        StringBuilder all = new StringBuilder();
        for (LadderStep st : steps) {
            if (st.stretched > 0) {
                all.append(String.format(Locale.ROOT, " N=%d %.1f/s (%.0f%%)", st.n, st.windowsPerSecond(),
                        100 * st.windowsPerSecond() / alone));
            }
        }
        out("ceiling (b), every saturated step:%s", all);
        if (model != null && model.sequences() > before[0]) {
            long seqs = model.sequences() - before[0];
            double forwardSeconds = model.seconds() - before[3] / 1e9;
            out("ceiling (b), where the time goes: ONNX forward calls %.0f%% of it (%.1f steps and %.1f output rows per "
                    + "sequence, padding included), the rest building sequences and densities, bands and records",
                    100 * forwardSeconds / elapsed,
                    (model.steps() - before[1]) / (double) seqs, (model.outputRows() - before[2]) / (double) seqs);
        }
    }
}
