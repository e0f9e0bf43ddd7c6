package org.sigmavrate.tools.bench;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.WindowDensity;
import org.sigmavrate.model.eval.EvalWindow;
import org.sigmavrate.model.eval.EvalWindows;
import org.sigmavrate.model.eval.Protocol;
import org.sigmavrate.model.onnx.ChannelProbabilities;
import org.sigmavrate.model.onnx.Logits;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.sampling.BurstSampler;
import org.sigmavrate.model.sampling.SampleResult;
import org.sigmavrate.model.sampling.SampleTask;
import org.sigmavrate.model.sampling.Sampler;
import org.sigmavrate.model.sampling.SequentialSampler;

import jakarta.inject.Inject;

import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterFactory;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.streaming.Replay;
import org.sigmavrate.tracking.TrackRules;
import org.sigmavrate.cli.ModelOptions;
import org.sigmavrate.config.ForecasterConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Benchmarks, side by side in one run: (1) forward throughput of the full Java path",
                "(SigmaGptSession.forward: building sequences, masks, direct buffers, pinned output) against a raw",
                "OrtSession.run loop on pre-built tensors, per batch size, length and number of output rows (the",
                "logits of the last R steps, as a density pass reads its queries; a v1 model computes every row);",
                "(2) the channel softmax of a density pass on the same logits: Java (a Math.exp per bin of each row's",
                "channel) against ONNX Runtime (ChannelSoftmax, both channels' blocks), per batch at the first",
                "length and the largest --output-rows; (3) burst against sequential",
                "sampling on sparse10 windows of real flights: forward calls, steps and wall time per joint sample;",
                "(4) with --service-windows: the service's forecaster on the windows it would ask about on recorded",
                "flights, per --window-steps length: CPU per window (forecast, and the window's assembly), steps and",
                "rows per density pass."})
public class BenchCommand implements Callable<Integer> {
    @Option(names = "--batches", defaultValue = "1,4,16,64", split = ",", description = "batch sizes (default: ${DEFAULT-VALUE})")
    int[] batches;

    @Option(names = "--lengths", defaultValue = "32,128", split = ",", description = "sequence lengths (default: ${DEFAULT-VALUE})")
    int[] lengths;

    @Option(names = "--output-rows", defaultValue = "0,24", split = ",",
            description = "steps whose logits are read, the last R of each sequence; 0 = every step (default: ${DEFAULT-VALUE}; "
                    + "24 is a 1-report/s service window: 12 forecast steps x 2 channels)")
    int[] outputRows;

    @Option(names = "--seconds", defaultValue = "2", description = "measuring time per configuration (default: ${DEFAULT-VALUE})")
    double seconds;

    @Option(names = "--input", arity = "0..*", paramLabel = "PATH",
            description = "flights for the sampling benchmark (sparse10 windows); none: skip it")
    List<Path> inputs;

    @Option(names = "--windows", defaultValue = "4", description = "windows for the sampling benchmark (default: ${DEFAULT-VALUE})")
    int windows;

    @Option(names = "--samples", defaultValue = "8", description = "joint samples per window (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--rounds", defaultValue = "3",
            description = "rounds per configuration, each path (and model) measured for --seconds/3 per round, the "
                    + "best round kept; more rounds ride out a busy machine (default: ${DEFAULT-VALUE})")
    int rounds;

    @Option(names = "--service-windows", arity = "1..*", paramLabel = "PATH",
            description = "flights replayed through the service's tracking (cadence policy) for benchmark (4); the "
                    + "service's forecaster (forecaster.* settings, --model ignored)")
    List<Path> serviceWindows;

    @Option(names = "--window-steps", split = ",", paramLabel = "STEPS",
            description = "window lengths of benchmark (4), grid steps, the first the reference of the ratios "
                    + "(default: the configured forecaster.window.steps)")
    int[] windowSteps;

    @Option(names = "--max-windows", defaultValue = "3000",
            description = "windows per length of benchmark (4), spread evenly over all those the flights give "
                    + "(default: ${DEFAULT-VALUE})")
    int maxWindows;

    @Option(names = "--call-windows", defaultValue = "64",
            description = "windows per forecast call of benchmark (4): the service's pending windows at a "
                    + "punctuation, about 60 under load (default: ${DEFAULT-VALUE})")
    int callWindows;

    @Option(names = "--compare", arity = "1..*", paramLabel = "DIR",
            description = "more model folders (e.g. a quantized variant) measured in the same run as --model: each "
                    + "configuration alternates between the models in rounds, and each model's best round is kept")
    List<Path> compare;

    @Mixin
    ModelOptions modelOptions;

    @Inject
    ForecasterConfig config;

    @Override
    public Integer call() throws Exception {
        if (serviceWindows != null && !serviceWindows.isEmpty()) {
            return serviceWindows();
        }
        List<SigmaGptSession> sessions = new ArrayList<>();
        try {
            sessions.add(modelOptions.open());
            for (Path dir : compare == null ? List.<Path>of() : compare) {
                sessions.add(SigmaGptSession.open(dir, sessions.get(0).spec(), modelOptions.sessionConfig()));
            }
            SigmaGptSession session = sessions.get(0);
            for (SigmaGptSession s : sessions) {
                System.out.printf(Locale.ROOT, "model %s, provider %s, %d intra-op thread(s), %d cores%n", s.modelId(),
                        s.metrics().executionProvider(), modelOptions.threads(), Runtime.getRuntime().availableProcessors());
            }
            System.out.printf(Locale.ROOT, "%6s %6s %6s %12s %12s %12s %12s %8s %11s%s%n", "batch", "length", "rows",
                    "java ms/call", "java seq/s", "raw ms/call", "raw seq/s", "java/raw", "cpu ms/call",
                    sessions.size() > 1 ? String.format(Locale.ROOT, " %8s %8s  model", "speed-up", "cpu") : "");
            for (int length : lengths) {
                for (int requested : outputRows) {
                    if (requested > 0 && sessions.stream().anyMatch(s -> !s.selectsRows())) {
                        System.out.printf(Locale.ROOT, "(a model computes every row: no logit_rows input, format v1)%n");
                        continue;
                    }
                    forwardRows(sessions, length, requested <= 0 || requested > length ? length : requested);
                }
            }
            int softmaxRows = Math.min(lengths[0], Arrays.stream(outputRows).max().orElse(0));
            if (softmaxRows > 0 && session.selectsRows()) {
                channelSoftmax(session, lengths[0], softmaxRows);
            }
            if (inputs != null && !inputs.isEmpty()) {
                sampling(session);
            }
        } finally {
            for (SigmaGptSession s : sessions) {
                s.close();
            }
        }
        return 0;
    }

    private int serviceWindows() throws Exception {
        if (maxWindows < 1 || callWindows < 1 || rounds < 1) {
            System.err.println("bench: --max-windows, --call-windows and --rounds must be >= 1");
            return 2;
        }
        Spec spec = SpecLoader.bundled();
        TrackRules rules;
        try {
            rules = ConfiguredSettings.trackRules(config, spec.grid());
            for (int steps : windowSteps == null ? new int[0] : windowSteps) {
                rules.withWindowSteps(steps); // refuses a length the model or the horizon does not allow
            }
        } catch (IllegalArgumentException e) {
            System.err.println("bench: --window-steps: " + e.getMessage());
            return 2;
        }
        List<Report> reports = Replay.load(serviceWindows, System.err);
        if (reports.isEmpty()) {
            System.err.println("bench: no usable reports in " + serviceWindows);
            return 2;
        }
        try (WindowForecaster opened = ForecasterFactory.open(config)) {
            if (!(opened instanceof SigmaGptForecaster forecaster)) {
                System.err.println("bench: --service-windows measures the σ-GPT forecaster, not " + opened.modelId());
                return 2;
            }
            new ServiceWindowsBench(spec, rules, forecaster, maxWindows, callWindows, seconds, rounds)
                    .run(reports, windowSteps == null ? new int[] {rules.windowSteps()} : windowSteps);
        } catch (IllegalArgumentException noWindow) {
            System.err.println("bench: " + noWindow.getMessage());
            return 2;
        }
        return 0;
    }

    private void forwardRows(List<SigmaGptSession> sessions, int length, int rows) throws OrtException {
        for (int batch : batches) {
            // alternate the paths (and the models) in rounds and keep each one's best round: on a shared 2-core
            // machine the noise between rounds is larger than the difference being measured
            int n = sessions.size();
            double[] java = new double[n];
            double[] cpu = new double[n];
            double[] raw = new double[n];
            Arrays.fill(java, Double.MAX_VALUE);
            Arrays.fill(cpu, Double.MAX_VALUE);
            Arrays.fill(raw, Double.MAX_VALUE);
            for (int round = 0; round < rounds; round++) {
                for (int m = 0; m < n; m++) {
                    double[] j = javaPath(sessions.get(m), batch, length, rows);
                    java[m] = Math.min(java[m], j[0]);
                    cpu[m] = Math.min(cpu[m], j[1]);
                    raw[m] = Math.min(raw[m], rawLoop(sessions.get(m), batch, length, rows)[0]);
                }
            }
            for (int m = 0; m < n; m++) {
                System.out.printf(Locale.ROOT, "%6d %6d %6d %12.2f %12.1f %12.2f %12.1f %8.2f %11.2f%s%n", batch, length,
                        rows, java[m] * 1e3, batch / java[m], raw[m] * 1e3, batch / raw[m], raw[m] / java[m], cpu[m] * 1e3,
                        n > 1 ? String.format(Locale.ROOT, " %8.2f %8.2f  %s", java[0] / java[m], cpu[0] / cpu[m],
                                sessions.get(m).modelId()) : "");
            }
        }
    }

    /**
     * The two ways to the bin probabilities of a density pass's query rows, alternated in rounds on the logits of one
     * forward call (the best round kept): what {@code SigmaGptForecaster.densities} did before {@link
     * org.sigmavrate.model.onnx.ChannelSoftmax} and what it does now, each ending in one double[] per row.
     */
    private void channelSoftmax(SigmaGptSession session, int length, int rows) {
        var tokenizer = session.spec().tokenizer();
        var grid = session.spec().grid();
        System.out.printf(Locale.ROOT, "%nchannel softmax, %d rows per sequence of length %d (the query rows of a "
                + "density pass):%n%6s %8s %14s %14s %9s %16s%n", rows, length, "batch", "rows", "java us/row",
                "onnx us/row", "speed-up", "saved ms/window");
        for (int batch : batches) {
            List<ModelSequence> seqs = new ArrayList<>();
            for (int b = 0; b < batch; b++) {
                seqs.add(causal(session, length, rows, b));
            }
            Logits logits = session.forward(seqs);
            int first = length - rows;
            double java = Double.MAX_VALUE;
            double onnx = Double.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                java = Math.min(java, time(() -> {
                    for (int b = 0; b < batch; b++) {
                        for (int step = first; step < length; step++) {
                            Channel c = grid.channelOf((int) seqs.get(b).posOut()[step]);
                            logits.blockProbabilities(b, step, tokenizer.firstToken(c), tokenizer.scale(c).size());
                        }
                    }
                })[1]);
                onnx = Math.min(onnx, time(() -> {
                    ChannelProbabilities p = session.channelProbabilities(logits);
                    for (int b = 0; b < batch; b++) {
                        for (int step = first; step < length; step++) {
                            p.of(b, step, grid.channelOf((int) seqs.get(b).posOut()[step]));
                        }
                    }
                })[1]);
            }
            int n = batch * rows;
            System.out.printf(Locale.ROOT, "%6d %8d %14.2f %14.2f %9.2f %16.3f%n", batch, n, java / n * 1e6,
                    onnx / n * 1e6, java / onnx, (java - onnx) / batch * 1e3);
        }
    }

    /** Seconds per call of the full Java path: sequences built and copied into buffers on every call (wall, CPU). */
    private double[] javaPath(SigmaGptSession session, int batch, int length, int rows) {
        List<ModelSequence> seqs = new ArrayList<>();
        for (int b = 0; b < batch; b++) {
            seqs.add(causal(session, length, rows, b));
        }
        return time(() -> session.forward(seqs));
    }

    private double[] rawLoop(SigmaGptSession session, int batch, int length, int rows) throws OrtException {
        int n = batch * length;
        LongBuffer tokens = longs(n);
        LongBuffer in = longs(n);
        LongBuffer out = longs(n);
        LongBuffer logitRows = longs(batch * rows);
        ByteBuffer mask = ByteBuffer.allocateDirect(n * length).order(ByteOrder.nativeOrder());
        for (int b = 0; b < batch; b++) {
            for (int r = 0; r < rows; r++) {
                logitRows.put(b * rows + r, length - rows + r);
            }
            ModelSequence s = causal(session, length, rows, b);
            for (int i = 0; i < length; i++) {
                tokens.put(b * length + i, s.tokens()[i]);
                in.put(b * length + i, s.posIn()[i]);
                out.put(b * length + i, s.posOut()[i]);
                for (int j = 0; j < length; j++) {
                    mask.put((b * length + i) * length + j, (byte) (j <= i ? 1 : 0));
                }
            }
        }
        long[] s2 = {batch, length};
        try (OnnxTensor t = OnnxTensor.createTensor(session.environment(), tokens, s2);
                OnnxTensor pi = OnnxTensor.createTensor(session.environment(), in, s2);
                OnnxTensor po = OnnxTensor.createTensor(session.environment(), out, s2);
                OnnxTensor m = OnnxTensor.createTensor(session.environment(), mask, new long[] {batch, length, length},
                        OnnxJavaType.BOOL);
                OnnxTensor lr = OnnxTensor.createTensor(session.environment(), logitRows, new long[] {batch, rows})) {
            Map<String, OnnxTensor> feeds = session.selectsRows()
                    ? Map.of("tokens", t, "pos_in", pi, "pos_out", po, "attn_mask", m, SigmaGptSession.LOGIT_ROWS, lr)
                    : Map.of("tokens", t, "pos_in", pi, "pos_out", po, "attn_mask", m);
            OrtSession ort = session.ortSession();
            return time(() -> {
                try (OrtSession.Result r = ort.run(feeds)) {
                    r.get(0);
                } catch (OrtException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
    }

    /**
     * Seconds per call, wall clock and this thread's CPU time. With one intra-op thread ONNX Runtime computes on the
     * calling thread, so the CPU time leaves out the time the thread waited for a core on a busy machine.
     */
    private double[] time(Runnable call) {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        call.run(); // warm-up
        call.run();
        long budget = (long) (seconds * 1e9 / 3);
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        int calls = 0;
        while (System.nanoTime() - start < budget || calls < 3) {
            call.run();
            calls++;
        }
        return new double[] {(System.nanoTime() - start) / 1e9 / calls,
                (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9 / calls};
    }

    private static ModelSequence causal(SigmaGptSession session, int length, int rows, int salt) {
        var tok = session.spec().tokenizer();
        long[] order = new long[length];
        long[] tokens = new long[length];
        for (int i = 0; i < length; i++) {
            order[i] = (i * 37L + salt) % session.spec().grid().positionCount();
            tokens[i] = order[i] % 2 == 0 ? tok.firstToken(org.sigmavrate.domain.grid.Channel.VERTICAL_RATE) + 100 + i % 40
                    : tok.firstToken(org.sigmavrate.domain.grid.Channel.ALTITUDE) + 200 + i;
        }
        return new org.sigmavrate.model.sequence.Sequences(session.spec()).causal(order, tokens, length, length - rows);
    }

    private static LongBuffer longs(int n) {
        return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
    }

    private void sampling(SigmaGptSession session) throws Exception {
        List<Path> files = FlightReaders.expand(inputs, System.err);
        List<EvalWindow> all = new EvalWindows(ConfiguredSettings.preparation(config, SpecLoader.bundled())).load(files, System.err)
                .windows();
        if (all.isEmpty()) {
            System.out.println("sampling benchmark: no 64-step window with a rate at every step in the input");
            return;
        }
        List<ObservedWindow> observed = new ArrayList<>();
        int stride = Math.max(1, all.size() / windows);
        for (int i = 0; i < all.size() && observed.size() < windows; i += stride) {
            EvalWindow w = all.get(i);
            long seed = 1000 + i;
            observed.add(org.sigmavrate.model.eval.Evaluator.observeForBench(w,
                    Protocol.SPARSE10.observedSteps(w.truth().steps(), seed), seed));
        }
        SigmaGptForecaster f = new SigmaGptForecaster(session, ConfiguredSettings.forecast(config).withSamples(0));
        List<WindowDensity> d = f.densities(observed);
        List<SampleTask> tasks = new ArrayList<>();
        for (WindowDensity wd : d) {
            tasks.add(f.sampleTask(wd, samples));
        }
        int unknown = 0;
        for (WindowDensity wd : d) {
            unknown += wd.unknown().length;
        }
        System.out.printf(Locale.ROOT, "%nsampling: %d sparse10 windows of real flights, %.1f unknown positions each, "
                + "%d joint samples per window, batched%n", observed.size(), unknown / (double) observed.size(), samples);
        System.out.printf(Locale.ROOT, "%-12s %14s %14s %18s %12s%n", "sampler", "steps/sample", "calls/sample",
                "batched calls/win", "ms/sample");
        double[] seq = runSampler(new SequentialSampler(session, 64), tasks);
        double[] burst = runSampler(new BurstSampler(session, 64), tasks);
        System.out.printf(Locale.ROOT, "burst vs sequential: %.1fx fewer steps, %.1fx fewer forward calls, %.1fx less wall time%n",
                seq[0] / burst[0], seq[1] / burst[1], seq[2] / burst[2]);
    }

    private double[] runSampler(Sampler sampler, List<SampleTask> tasks) {
        long start = System.nanoTime();
        List<SampleResult> results = sampler.sample(tasks);
        double ms = (System.nanoTime() - start) / 1e6;
        double steps = 0;
        double calls = 0;
        double batched = 0;
        int paths = 0;
        for (SampleResult r : results) {
            for (int p = 0; p < r.pathSteps().length; p++) {
                steps += r.pathSteps()[p];
                calls += r.pathCalls()[p];
                paths++;
            }
            batched += r.forwardCalls();
        }
        double[] out = {steps / paths, calls / paths, ms / paths};
        System.out.printf(Locale.ROOT, "%-12s %14.1f %14.1f %18.1f %12.1f%n", sampler.name(), out[0], out[1],
                batched / results.size(), out[2]);
        return out;
    }
}
