package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.batching.BatchScheduler;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.TinyModel;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.ConformalBands;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;

/**
 * The topology with the real (tiny) σ-GPT, not a baseline: both outputs carry the model's id and the spec hash, the
 * trajectories hold K joint sample paths, and the same input gives byte-identical outputs. Also the batch time
 * budget with a deliberately slow forecaster.
 */
class SigmaGptTopologyTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final Path TINY = Path.of("src/core/src/test/resources/models/tiny-test-v1");
    private static final int K = 2;
    private static SigmaGptSession session;

    @BeforeAll
    static void open() {
        session = SigmaGptSession.open(TINY, new SessionConfig(1, ExecutionProvider.CPU));
    }

    @AfterAll
    static void close() {
        session.close();
    }

    private static SigmaGptForecaster forecaster() {
        return new SigmaGptForecaster(session, TinyModel.settings(K, TinyModel.CONSISTENT));
    }

    private static final class Harness implements AutoCloseable {
        final StreamingMetrics metrics = StreamingMetrics.noop();
        final StreamingSettings settings;
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> input;
        final TestOutputTopic<String, byte[]> trajectories;
        final TestOutputTopic<String, byte[]> bands;

        Harness(StreamingSettings settings, WindowForecaster forecaster) {
            this(settings, forecaster, null);
        }

        Harness(StreamingSettings settings, WindowForecaster forecaster, java.util.concurrent.Executor inference) {
            this.settings = settings;
            Properties props = Fixtures.driverProperties("sigma-vrate-sgpt-test");
            driver = new TopologyTestDriver(ForecastTopology.build(settings, SPEC, forecaster, AvroFormat.singleObject(),
                    metrics, inference), props, Instant.ofEpochMilli(Fixtures.T0 + 3_600_000));
            StreamingSettings.Topics t = settings.topics();
            input = driver.createInputTopic(t.input(), new ByteArraySerializer(), new ByteArraySerializer());
            trajectories = driver.createOutputTopic(t.trajectories(), new StringDeserializer(), new ByteArrayDeserializer());
            bands = driver.createOutputTopic(t.bands(), new StringDeserializer(), new ByteArrayDeserializer());
        }

        void send(SurveillanceReport r) {
            input.pipeInput(r.getIcao24().getBytes(StandardCharsets.UTF_8), Fixtures.bytes(r));
        }

        void flush() {
            driver.advanceWallClockTime(Duration.ofMillis(settings.batchEveryMillis()));
        }

        @Override
        public void close() {
            driver.close();
        }
    }

    /** Three aircraft, sparse irregular reports (climb, level, descent), a few out of order. */
    private static List<SurveillanceReport> traffic() {
        List<SurveillanceReport> out = new ArrayList<>();
        java.util.Random random = new java.util.Random(11);
        for (int s = 0; s < 240; s += 5 + random.nextInt(25)) {
            for (int a = 0; a < 3; a++) {
                int t = Math.max(0, s - (random.nextInt(8) == 0 ? random.nextInt(20) : 0));
                double minutes = t / 60.0;
                double rate = a == 0 ? 1472 : a == 1 ? 0 : -960;
                double altitude = (a == 0 ? 3000 : a == 1 ? 35000 : 12000) + rate * minutes;
                out.add(Fixtures.report(String.format("%06x", 0xc00000 + a), Fixtures.T0 + t * 1000L, altitude,
                        random.nextInt(4) == 0 ? null : rate));
            }
        }
        return out;
    }

    private static List<String> run(Harness h, List<SurveillanceReport> input, int flushEvery) {
        int n = 0;
        for (SurveillanceReport r : input) {
            h.send(r);
            if (++n % flushEvery == 0) {
                h.flush();
            }
        }
        h.flush();
        return drain(h);
    }

    @Test
    void bothOutputsCarryTheSigmaGptsModelIdSpecHashAndSamplePaths() {
        try (Harness h = new Harness(Fixtures.settings(SPEC), forecaster())) {
            List<String> out = run(h, traffic(), 10);
            assertFalse(out.isEmpty());
            int trajectories = 0;
            int bands = 0;
            for (String line : out) {
                String[] parts = line.split(" ");
                byte[] bytes = Base64.getDecoder().decode(parts[2]);
                if (parts[1].equals("T")) {
                    InfilledTrajectory t = AvroFormat.singleObjectSerde(InfilledTrajectory.class).deserializer()
                            .deserialize("t", bytes);
                    assertEquals("tiny-test-v1", t.getModelId());
                    assertEquals(SPEC.sha256(), t.getSpecHash());
                    assertEquals(parts[0], t.getIcao24());
                    int steps = t.getSteps().size();
                    assertTrue(steps > 12 && steps <= 64, "a window of at most the grid's 64 steps: " + steps);
                    assertEquals(K, t.getSteps().get(steps - 1).getVerticalRate().getSamples().size(), "K sample paths");
                    trajectories++;
                } else {
                    DensityBands b = AvroFormat.singleObjectSerde(DensityBands.class).deserializer().deserialize("t", bytes);
                    assertEquals("tiny-test-v1", b.getModelId());
                    assertEquals(SPEC.sha256(), b.getSpecHash());
                    var q = b.getSteps().get(b.getSteps().size() - 1).getVerticalRate().getQuantiles();
                    assertEquals(5, q.size());
                    for (int i = 1; i < q.size(); i++) {
                        assertTrue(q.get(i) >= q.get(i - 1), "bands are ordered: " + q);
                    }
                    bands++;
                }
            }
            assertEquals(trajectories, bands);
            assertTrue(trajectories >= 15, "trajectories: " + trajectories);
            var perWindow = h.metrics.registry().find("sigmavrate.forward.calls.per.window").summary();
            assertTrue(perWindow.mean() > 1, "density pass plus sampler steps: " + perWindow.mean());
        }
    }

    @Test
    void theSameInputTwiceGivesIdenticalOutputs() {
        List<SurveillanceReport> input = traffic();
        List<String> first;
        List<String> second;
        try (Harness h = new Harness(Fixtures.settings(SPEC), forecaster())) {
            first = run(h, input, 10);
        }
        try (Harness h = new Harness(Fixtures.settings(SPEC), forecaster())) {
            second = run(h, input, 10);
        }
        assertTrue(first.size() >= 30, "outputs: " + first.size());
        assertEquals(first, second);
    }

    /** Takes at least 40 ms per window, so a 100 ms budget fits at most 2 windows per call after the probe. */
    private static final class Slow implements WindowForecaster {
        final List<Integer> calls = new ArrayList<>();
        final AltitudeDifferenceForecaster inner = new AltitudeDifferenceForecaster();

        @Override
        public List<WindowForecast> forecast(List<ObservedWindow> windows) {
            calls.add(windows.size());
            try {
                Thread.sleep(40L * windows.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return inner.forecast(windows);
        }

        @Override
        public String modelId() {
            return "slow";
        }

        @Override
        public String specSha256() {
            return inner.specSha256();
        }
    }

    @Test
    void aSlowModelGetsAsManyWindowsAsItsTimeBudgetFitsAndTheOthersWait() {
        Slow slow = new Slow();
        StreamingSettings settings = Fixtures.settings(SPEC).withBatch(2048, 100);
        try (Harness h = new Harness(settings, slow)) {
            for (int a = 0; a < 10; a++) {
                String icao = String.format("%06x", 0xd00000 + a);
                h.send(Fixtures.climbing(icao, Fixtures.T0));
                h.send(Fixtures.climbing(icao, Fixtures.T0 + 10_000));
            }
            h.flush();
            h.flush();
            assertEquals(BatchScheduler.PROBE_WINDOWS, slow.calls.get(0), "the first call measures the cost");
            assertEquals(0, h.metrics.count("sigmavrate.cadence.stretched", null, null), 0.0,
                    "nothing is deferred while the cost is measured (probe and the call sized on it alone)");
            h.flush();
            h.flush();
            assertTrue(slow.calls.get(1) <= 2 && slow.calls.get(2) <= 2, "calls: " + slow.calls);
            // 10 windows: 4 (probe) + 2 (warm-up, the rest untouched), then 2 per call with the others deferred
            assertTrue(h.metrics.count("sigmavrate.cadence.stretched", null, null) >= 2, "calls: " + slow.calls);
            int out = h.bands.readKeyValuesToList().size();
            assertEquals(slow.calls.stream().mapToInt(Integer::intValue).sum(), out);
        }
    }

    /** Runs the submitted inference tasks only when the test says so: "the model is still running" until then. */
    private static final class ManualExecutor implements java.util.concurrent.Executor {
        final java.util.ArrayDeque<Runnable> queued = new java.util.ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            queued.add(task);
        }

        void runAll() {
            while (!queued.isEmpty()) {
                queued.poll().run();
            }
        }
    }

    private static List<String> sorted(List<String> lines) {
        List<String> out = new ArrayList<>(lines);
        out.sort(null);
        return out;
    }

    /** Feeds the input; every 10 reports a punctuation, and the model finishes only after the next few reports. */
    private static List<String> runAsync(Harness h, ManualExecutor inference, List<SurveillanceReport> input) {
        int n = 0;
        for (SurveillanceReport r : input) {
            h.send(r);
            if (++n % 10 == 0) {
                h.flush();
            }
            if (n % 10 == 4) {
                inference.runAll();
            }
        }
        for (int i = 0; i < 3; i++) {
            h.flush();
            inference.runAll();
        }
        h.flush();
        return drain(h);
    }

    /**
     * Bands of the service with a calibration: for every window and hidden step, the raw forecaster's quantiles with
     * the 90% ends moved out by the step's bucket's 90% correction and the 50% ends by its 50% correction (a different
     * one per bucket, all fitted); the median, the altitude and observed steps as raw. The bucket is worked out here
     * from the record's observed flags, not by the code under test.
     */
    @Test
    void calibratedBandsAreTheRawQuantilesShiftedByTheirBucketsCorrection() {
        int buckets = ObservationBuckets.count();
        double[][] widen = new double[2][buckets];
        for (int b = 0; b < buckets; b++) {
            widen[0][b] = 5 + b;
            widen[1][b] = 7 + 2 * b;
        }
        ConformalBands fit = new ConformalBands(ConformalBands.Score.RANDOMIZED, new double[] {0.5, 0.9}, widen,
                new long[buckets]);
        ForecastSettings settings = TinyModel.settings(0, TinyModel.CONSISTENT);
        List<SurveillanceReport> input = traffic();
        List<DensityBands> raw;
        List<DensityBands> calibrated;
        try (Harness h = new Harness(Fixtures.settings(SPEC), new SigmaGptForecaster(session, settings))) {
            raw = bands(run(h, input, 10));
        }
        try (Harness h = new Harness(Fixtures.settings(SPEC), new SigmaGptForecaster(session, settings, false,
                new CalibratedBands(fit, settings.quantileLevels())))) {
            calibrated = bands(run(h, input, 10));
        }
        assertEquals(raw.size(), calibrated.size());
        assertTrue(raw.size() >= 15, "band records: " + raw.size());
        int hidden = 0;
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (int r = 0; r < raw.size(); r++) {
            List<org.sigmavrate.avro.v1.BandStep> a = raw.get(r).getSteps();
            List<org.sigmavrate.avro.v1.BandStep> b = calibrated.get(r).getSteps();
            int n = a.size();
            boolean[] observed = new boolean[n];
            for (int s = 0; s < n; s++) {
                observed[s] = a.get(s).getVerticalRate().getObserved() || a.get(s).getAltitude().getObserved();
            }
            for (int s = 0; s < n; s++) {
                List<Double> q = a.get(s).getVerticalRate().getQuantiles();
                List<Double> c = b.get(s).getVerticalRate().getQuantiles();
                assertEquals(a.get(s).getAltitude().getQuantiles(), b.get(s).getAltitude().getQuantiles());
                if (observed[s]) {
                    assertEquals(q, c, "an observed step is published as observed");
                    continue;
                }
                int bucket = bucketOf(observed, s);
                seen.add(bucket);
                hidden++;
                assertEquals(q.get(0) - widen[1][bucket], c.get(0), 1e-9);
                assertEquals(q.get(1) - widen[0][bucket], c.get(1), 1e-9);
                assertEquals(q.get(2), c.get(2), 0.0, "the median is untouched");
                assertEquals(q.get(3) + widen[0][bucket], c.get(3), 1e-9);
                assertEquals(q.get(4) + widen[1][bucket], c.get(4), 1e-9);
            }
        }
        assertTrue(hidden > 200 && seen.size() >= 4, "hidden steps " + hidden + " in buckets " + seen);
        assertTrue(seen.stream().anyMatch(x -> ObservationBuckets.kind(x) == ObservationBuckets.Kind.BETWEEN)
                && seen.stream().anyMatch(x -> ObservationBuckets.kind(x) == ObservationBuckets.Kind.BEYOND),
                "gaps and forecasts: " + seen);
    }

    /** Between two observed steps or beyond them, at the distance to the nearest one, counted by hand. */
    private static int bucketOf(boolean[] observed, int step) {
        int before = -1;
        for (int s = step - 1; s >= 0 && before < 0; s--) {
            before = observed[s] ? s : -1;
        }
        int after = -1;
        for (int s = step + 1; s < observed.length && after < 0; s++) {
            after = observed[s] ? s : -1;
        }
        if (before >= 0 && after >= 0) {
            return ObservationBuckets.bucket(ObservationBuckets.Kind.BETWEEN, Math.min(step - before, after - step));
        }
        return ObservationBuckets.bucket(ObservationBuckets.Kind.BEYOND, before >= 0 ? step - before : after - step);
    }

    private static List<DensityBands> bands(List<String> out) {
        List<DensityBands> bands = new ArrayList<>();
        for (String line : out) {
            String[] parts = line.split(" ");
            if (parts[1].equals("B")) {
                bands.add(AvroFormat.singleObjectSerde(DensityBands.class).deserializer().deserialize("t",
                        Base64.getDecoder().decode(parts[2])));
            }
        }
        return bands;
    }

    private static List<String> drain(Harness h) {
        List<String> out = new ArrayList<>();
        for (KeyValue<String, byte[]> kv : h.trajectories.readKeyValuesToList()) {
            out.add(kv.key + " T " + Base64.getEncoder().encodeToString(kv.value));
        }
        for (KeyValue<String, byte[]> kv : h.bands.readKeyValuesToList()) {
            out.add(kv.key + " B " + Base64.getEncoder().encodeToString(kv.value));
        }
        return out;
    }

    @Test
    void inferenceOffTheStreamThreadGivesTheSameOutputsAsOnIt() {
        List<SurveillanceReport> input = traffic();
        List<String> onThread;
        try (Harness h = new Harness(Fixtures.settings(SPEC), new AltitudeDifferenceForecaster())) {
            onThread = run(h, input, 10);
        }
        ManualExecutor inference = new ManualExecutor();
        try (Harness h = new Harness(Fixtures.settings(SPEC), new AltitudeDifferenceForecaster(), inference)) {
            List<String> offThread = runAsync(h, inference, input);
            assertTrue(onThread.size() >= 30, "outputs: " + onThread.size());
            assertEquals(sorted(onThread), sorted(offThread));
        }
    }

    @Test
    void aCrashWhileTheModelRunsLosesNothing() {
        List<SurveillanceReport> input = traffic();
        List<String> uninterrupted;
        try (Harness h = new Harness(Fixtures.settings(SPEC), new AltitudeDifferenceForecaster())) {
            uninterrupted = run(h, input, 10);
        }
        ManualExecutor inference = new ManualExecutor();
        int half = input.size() / 2;
        List<String> outputs = new ArrayList<>();
        try (Harness first = new Harness(Fixtures.settings(SPEC), new AltitudeDifferenceForecaster(), inference);
                Harness second = new Harness(Fixtures.settings(SPEC), new AltitudeDifferenceForecaster())) {
            for (SurveillanceReport r : input.subList(0, half)) {
                first.send(r);
            }
            first.flush();
            inference.runAll();
            first.flush(); // first batch out; the second is handed to the model ...
            outputs.addAll(drain(first));
            for (SurveillanceReport r : input.subList(half, half + 5)) {
                first.send(r);
            }
            first.flush();
            // ... and the crash comes before it finishes: nothing but the stores survives
            assertTrue(!inference.queued.isEmpty(), "a batch is in flight at the crash");
            for (String store : List.of(ForecastTopology.FLIGHTS_STORE, ForecastTopology.PENDING_STORE,
                    ForecastTopology.LATEST_STORE)) {
                var from = first.driver.<String, Object>getKeyValueStore(store);
                var to = second.driver.<String, Object>getKeyValueStore(store);
                try (var it = from.all()) {
                    it.forEachRemaining(kv -> to.put(kv.key, kv.value));
                }
            }
            for (SurveillanceReport r : input.subList(half + 5, input.size())) {
                second.send(r);
            }
            second.flush();
            outputs.addAll(drain(second));
        }
        assertEquals(uninterrupted.size(), outputs.size(), "nothing lost, nothing repeated");
        assertEquals(sorted(uninterrupted), sorted(outputs));
    }
}
