package org.sigmavrate.tools.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.sigmavrate.domain.flight.FlightSegmenter;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.onnx.InferenceMetrics;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.TrackRules;
import org.sigmavrate.tracking.WindowAssembler;

/**
 * What a window costs the service, per window length: recorded flights replayed report by report through the
 * service's tracking ({@link FlightTrack}, the cadence policy, {@link WindowAssembler}) give the windows the service
 * would ask about; the service's forecaster then forecasts them in calls of the service's size, the lengths
 * alternating in rounds (the best round of each kept), on this thread (one intra-op thread computes on the caller).
 * Reported per length: CPU per window of the forecast and of the window's assembly (the stream thread's part), the
 * density pass's mean steps and output rows per sequence (padding included) and the track's stored bytes.
 */
final class ServiceWindowsBench {
    private final Spec spec;
    private final TrackRules rules;
    private final SigmaGptForecaster forecaster;
    private final int maxWindows;
    private final int callWindows;
    private final double seconds;
    private final int rounds;

    ServiceWindowsBench(Spec spec, TrackRules rules, SigmaGptForecaster forecaster, int maxWindows, int callWindows,
            double seconds, int rounds) {
        this.spec = spec;
        this.rules = rules.withReforecast(ReforecastRules.CADENCE);
        this.forecaster = forecaster;
        this.maxWindows = maxWindows;
        this.callWindows = callWindows;
        this.seconds = seconds;
        this.rounds = rounds;
    }

    /**
     * The windows of one length, {@code maxWindows} of those the service would ask for, and what building them cost.
     *
     * @param asked              windows the flights gave
     * @param assembleCpuSeconds CPU per window of its assembly
     * @param trackBytes         mean stored size of the track at a window
     */
    private record Windows(int steps, List<ObservedWindow> windows, int asked, double assembleCpuSeconds,
            double trackBytes) {
    }

    void run(List<Report> reports, int[] windowSteps) {
        List<List<Report>> flights = FlightSegmenter.bySource(reports);
        List<Windows> all = new ArrayList<>();
        for (int steps : windowSteps) {
            all.add(collect(flights, rules.withWindowSteps(steps)));
        }
        System.out.printf(Locale.ROOT, "%nservice windows: %s, cadence %d s, horizon %d s; calls of %d windows "
                + "(the service sorts a call by length and runs it %d sequences a forward), best of %d rounds of "
                + "%.1f s per length%n", forecaster.modelId(), rules.cadenceMillis() / 1000, rules.horizonMillis() / 1000,
                callWindows, forecaster.settings().maxBatch(), rounds, seconds / rounds);
        double[] best = new double[all.size()];
        double[][] shape = new double[all.size()][];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < all.size(); i++) {
                double[] r = forecast(all.get(i).windows());
                if (r[0] < best[i]) {
                    best[i] = r[0];
                    shape[i] = new double[] {r[1], r[2]};
                }
            }
        }
        System.out.printf(Locale.ROOT, "%7s %8s %8s %14s %12s %14s %9s %9s %12s %8s%n", "window", "asked", "timed",
                "forecast ms cpu", "windows/cpu-s", "assemble us", "steps/seq", "rows/seq", "track bytes", "vs first");
        for (int i = 0; i < all.size(); i++) {
            Windows w = all.get(i);
            System.out.printf(Locale.ROOT, "%7d %8d %8d %14.3f %12.0f %14.1f %9.1f %9.1f %12.0f %8.2f%n", w.steps(),
                    w.asked(), w.windows().size(), best[i] * 1e3, 1 / best[i],
                    w.assembleCpuSeconds() * 1e6, shape[i][0], shape[i][1], w.trackBytes(),
                    best[0] / best[i]);
        }
    }

    private Windows collect(Iterable<List<Report>> flights, TrackRules r) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        WindowAssembler assembler = new WindowAssembler(spec, r);
        List<ObservedWindow> out = new ArrayList<>();
        long cpu = 0;
        long bytes = 0;
        for (List<Report> flight : flights) {
            FlightTrack track = new FlightTrack(flight.get(0).icao24());
            RejectionLedger ledger = new RejectionLedger();
            for (Report report : flight) {
                if (track.accept(report, r) != FlightTrack.Outcome.TRIGGERED) {
                    continue;
                }
                long t0 = threads.getCurrentThreadCpuTime();
                ObservedWindow w = assembler.window(track, ledger);
                cpu += threads.getCurrentThreadCpuTime() - t0;
                track.markTriggered();
                if (w != null) {
                    out.add(w);
                    bytes += track.toBytes().length;
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the flights gave no window at " + r.windowSteps() + " steps");
        }
        double assemble = cpu / 1e9 / out.size();
        double trackBytes = bytes / (double) out.size();
        // evenly spread over every flight's windows, not the first flights' only
        List<ObservedWindow> kept = new ArrayList<>();
        for (int i = 0; i < Math.min(maxWindows, out.size()); i++) {
            kept.add(out.get((int) ((long) i * out.size() / Math.min(maxWindows, out.size()))));
        }
        return new Windows(r.windowSteps(), kept, out.size(), assemble, trackBytes);
    }

    /** @return {CPU seconds per window, steps per sequence, output rows per sequence} over one round */
    private double[] forecast(List<ObservedWindow> windows) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        InferenceMetrics m = forecaster.session().metrics();
        long sequences = m.sequences();
        long steps = m.steps();
        long rows = m.outputRows();
        long budget = (long) (seconds / rounds * 1e9);
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long done = 0;
        do {
            for (int from = 0; from < windows.size() && (done == 0 || System.nanoTime() - start < budget);
                    from += callWindows) {
                List<ObservedWindow> call = windows.subList(from, Math.min(windows.size(), from + callWindows));
                forecaster.forecast(call);
                done += call.size();
            }
        } while (System.nanoTime() - start < budget);
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        long seqs = Math.max(1, m.sequences() - sequences);
        return new double[] {cpu / done, (m.steps() - steps) / (double) seqs, (m.outputRows() - rows) / (double) seqs};
    }
}
