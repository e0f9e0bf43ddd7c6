package org.sigmavrate.tools.loadbench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.ConfigProvider;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;
import org.sigmavrate.config.ForecasterFactory;
import org.sigmavrate.config.KafkaStreamsProperties;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.onnx.InferenceMetrics;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.NoInferenceForecaster;
import org.sigmavrate.streaming.Replay;
import org.sigmavrate.streaming.StreamingMetrics;
import org.sigmavrate.streaming.StreamingSettings;
import org.sigmavrate.tools.broker.EmbeddedBroker;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "load-bench", mixinStandardHelpOptions = true,
        description = {"Load benchmark of the streaming service on a real local broker (KRaft, own JVM, loopback),",
                "stopping by itself. Real flights of --input multiplexed (time-shifted, ICAO24 remapped) to N aircraft",
                "reporting once a second; a ladder of N, each for --step-seconds, with the service as configured",
                "(forecaster.*, kafka-streams.*), by default from the largest N down after a warm-up long enough to",
                "fill every aircraft's window, so that every step runs at steady state (no aircraft joins with a short,",
                "cheap window): input rate, consumer lag, batch sizes, window length, windows forecast, cadence",
                "stretched, end-to-end p50/p99 from report to bands. Ceilings in the same run: (a) a minimal Kafka",
                "Streams app keeping a 64-report ring buffer per aircraft in RocksDB vs the service with inference off",
                "(forecaster none), at-least-once and exactly-once, on the same preloaded reports; (b) the forecaster",
                "alone on the batches the service ran vs inside the service under saturation."})
public class LoadBenchCommand implements Callable<Integer> {
    @Inject
    ForecasterConfig config;

    private final Spec spec = SpecLoader.bundled();
    private StreamingSettings settings;
    private WindowForecaster forecaster;
    private int inferenceThreads;

    @Option(names = "--input", arity = "1..*", paramLabel = "PATH", defaultValue = "data/flights",
            description = "recorded flights to multiplex (default: ${DEFAULT-VALUE})")
    List<Path> inputs;

    @Option(names = "--ladder", split = ",", defaultValue = "5000,4000,3000,2000,1000",
            description = "aircraft counts N, each reporting once a second, in this order (default: ${DEFAULT-VALUE}; "
                    + "descending, so that no step adds young aircraft, whose short windows are cheaper than a steady "
                    + "state's)")
    int[] ladder;

    @Option(names = "--step-seconds", defaultValue = "120", description = "duration of each ladder step (default: ${DEFAULT-VALUE})")
    int stepSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "540",
            description = "warm-up at the first N, not reported (default: ${DEFAULT-VALUE}: a window is 64 steps of 10 s "
                    + "ending 120 s ahead, so after 520 s every aircraft's window is full)")
    int warmupSeconds;

    @Option(names = "--ceiling-rounds", defaultValue = "3", description = "rounds of the four ceiling apps, best kept (default: ${DEFAULT-VALUE})")
    int ceilingRounds;

    @Option(names = "--ceiling-aircraft", defaultValue = "1500", description = "aircraft in the preloaded ceiling input (default: ${DEFAULT-VALUE})")
    int ceilingAircraft;

    @Option(names = "--ceiling-seconds", defaultValue = "200", description = "seconds of 1 Hz reports per aircraft preloaded (default: ${DEFAULT-VALUE})")
    int ceilingSeconds;

    @Option(names = "--standalone-seconds", defaultValue = "10", description = "standalone inference measuring time (default: ${DEFAULT-VALUE})")
    double standaloneSeconds;

    @Option(names = "--skip-ceilings", description = "skip ceiling (a)")
    boolean skipCeilings;

    @Option(names = "--skip-ladder", description = "skip the ladder and ceiling (b)")
    boolean skipLadder;

    private static final long RAMP_MS = 8_000;

    /** The service's last batches at the end of the most loaded saturated step, for ceiling (b). */
    private List<List<ObservedWindow>> saturatedBatches;
    private int saturatedN;

    private final Serializer<SurveillanceReport> serializer = AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer();

    @Override
    public Integer call() throws Exception {
        try {
            settings = ConfiguredSettings.streaming(config, spec);
            inferenceThreads = config.inferenceThreads();
            forecaster = ForecasterFactory.open(config);
        } catch (RuntimeException e) {
            System.err.println("load-bench: cannot load the forecaster: " + e.getMessage());
            return 2;
        }
        try {
            return run();
        } finally {
            forecaster.close();
        }
    }

    private int run() throws Exception {
        long t0 = System.currentTimeMillis();
        MultiplexedFlights flights = MultiplexedFlights.from(Replay.load(inputs, System.err), 300);
        out("load-bench: %d template flights (%,d s of 1 Hz reports) from %s; model %s; %d cores", flights.templates(),
                flights.templateSeconds(), inputs, forecaster.modelId(), Runtime.getRuntime().availableProcessors());
        try (EmbeddedBroker broker = EmbeddedBroker.start(Duration.ofMinutes(2))) {
            String bootstrap = broker.bootstrapServers();
            out("load-bench: broker (own JVM) on %s", bootstrap);
            if (!skipCeilings) {
                ceilings(bootstrap, flights);
            }
            if (!skipLadder) {
                ladder(bootstrap, flights);
            }
        }
        out("load-bench: done in %.0f s", (System.currentTimeMillis() - t0) / 1000.0);
        return 0;
    }

    private static void out(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }

    private static void createTopics(String bootstrap, int partitions, String... names) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) {
                topics.add(new NewTopic(n, partitions, (short) 1));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sigma-vrate-load-bench");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private Properties streamsProps(String bootstrap, String appId, String guarantee) throws Exception {
        Properties p = streamsConfig(bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("sigma-vrate-lb").toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        p.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /** The service's Kafka Streams settings (kafka-streams.*, the topology's tuning) on the benchmark's broker. */
    private static Properties streamsConfig(String bootstrap) {
        Properties p = KafkaStreamsProperties.of(ConfigProvider.getConfig());
        p.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "sigma-vrate-load-bench");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    private static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("kafka streams did not reach RUNNING: " + streams.state());
            }
            Thread.sleep(100);
        }
    }

    // ------------------------------------------------------------------------------------------------ ceiling (a)

    private void ceilings(String bootstrap, MultiplexedFlights flights) throws Exception {
        String topic = "lb-ceiling-in";
        createTopics(bootstrap, 2, topic, "lb-none-traj", "lb-none-bands", "lb-none-dlq");
        long total = (long) ceilingAircraft * ceilingSeconds;
        long base = System.currentTimeMillis() - ceilingSeconds * 1000L - 60_000;
        long p0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            for (int s = 0; s < ceilingSeconds; s++) {
                for (int a = 0; a < ceilingAircraft; a++) {
                    SurveillanceReport r = flights.report(a, s, base + s * 1000L + a % 1000);
                    producer.send(new ProducerRecord<>(topic, null, r.getEventTime().toEpochMilli(), r.getIcao24(),
                            serializer.serialize(topic, r)));
                }
            }
            producer.flush();
        }
        out("%nceiling (a): %,d reports (%d aircraft x %d s at 1 Hz) preloaded into %s in %.1f s; each app reads them "
                + "all from the start (same kafka-streams.* settings as the service)", total, ceilingAircraft,
                ceilingSeconds, topic, (System.nanoTime() - p0) / 1e9);
        // the four apps alternate, round after round, and each keeps its best round: on 2 shared cores the noise
        // between runs (JIT warm-up, the broker's own work) is larger than the differences being measured
        Map<String, Double> best = new HashMap<>();
        List<String> guarantees = List.of(StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2);
        for (int round = 0; round < ceilingRounds; round++) {
            for (String g : guarantees) {
                AtomicLong processed = new AtomicLong();
                double ring = drain(RingBufferTopology.build(topic, processed),
                        streamsProps(bootstrap, "lb-ring-" + g + "-" + round, g), processed::get, total);
                best.merge("ring " + g, ring, Math::max);
                StreamingMetrics metrics = new StreamingMetrics(new SimpleMeterRegistry());
                StreamingSettings s = settings.withTopics(new StreamingSettings.Topics(topic, "lb-none-traj",
                        "lb-none-bands", "lb-none-dlq"));
                Topology topology = ForecastTopology.build(s, spec, new NoInferenceForecaster(spec.sha256()),
                        AvroFormat.singleObject(), metrics, inline());
                Counter in = metrics.registry().find("sigmavrate.records.in").counter();
                double none = drain(topology, streamsProps(bootstrap, "lb-none-" + g + "-" + round, g),
                        () -> (long) in.count(), total);
                best.merge("none " + g, none, Math::max);
                out("  round %d, %s: ring buffer %,.0f reports/s, service with inference off %,.0f reports/s", round + 1,
                        label(g), ring, none);
            }
        }
        out("%-44s %10s %12s %8s", "app (best round)", "guarantee", "reports/s", "of ring");
        for (String g : guarantees) {
            out("%-44s %10s %,12.0f %8s", "ring buffer (64 reports/aircraft, RocksDB)", label(g), best.get("ring " + g), "");
        }
        for (String g : guarantees) {
            out("%-44s %10s %,12.0f %7.0f%%", "service, inference off (forecaster none)", label(g), best.get("none " + g),
                    100 * best.get("none " + g) / best.get("ring " + g));
        }
    }

    private static final Executor CEILING_INFERENCE = Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lb-ceiling-inference");
                t.setDaemon(true);
                return t;
            });

    /** The service's inference path as in the service (a thread hop), with nothing to infer. */
    private static Executor inline() {
        return CEILING_INFERENCE;
    }

    private static String label(String guarantee) {
        return StreamsConfig.AT_LEAST_ONCE.equals(guarantee) ? "ALOS" : "EOS v2";
    }

    /** Reports/s from the first record processed to the last (start-up and rebalance excluded). */
    private static double drain(Topology topology, Properties props, LongSupplier processed, long total)
            throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            long first = 0;
            while (processed.getAsLong() < total && System.nanoTime() < deadline) {
                if (first == 0 && processed.getAsLong() > 0) {
                    first = System.nanoTime();
                }
                Thread.sleep(2);
            }
            long n = processed.getAsLong();
            return n / Math.max(1e-9, (System.nanoTime() - first) / 1e9);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    // ---------------------------------------------------------------------------------------------- the ladder

    private void ladder(String bootstrap, MultiplexedFlights flights) throws Exception {
        StreamingSettings.Topics topics = new StreamingSettings.Topics("lb-in", "lb-traj", "lb-bands", "lb-dlq");
        createTopics(bootstrap, 2, topics.input(), topics.trajectories(), topics.bands(), topics.deadLetter());
        StreamingSettings s = settings.withTopics(topics);
        StreamingMetrics metrics = new StreamingMetrics(new SimpleMeterRegistry());
        RecordingForecaster recording = new RecordingForecaster(forecaster, 200);
        String appId = "lb-service";
        Properties props = streamsProps(bootstrap, appId, streamsConfig(bootstrap)
                .getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        out("%nladder: the service (%s, %s, cadence %d s, batch every %d ms, budget %d ms, max %d windows, "
                + "inference off the stream thread on %d thread(s)) on %s; N aircraft at 1 report/s, %d s warm-up at "
                + "the first N, %d s per step", forecaster.modelId(),
                label(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)), s.rules().cadenceMillis() / 1000,
                s.batchEveryMillis(), s.batchBudgetMillis(), s.maxBatchWindows(), inferenceThreads, topics.input(),
                warmupSeconds, stepSeconds);
        out("end-to-end = wall time a bands record is read (read_committed) minus the event time of the report that "
                + "triggered it, stamped by the generator when it sent it; new aircraft join over %d s at the start of "
                + "a step; figures from the second half of each step, lag max over the whole step; steps/win: mean "
                + "window length (64 once an aircraft has been seen for 520 s)", RAMP_MS / 1000);
        ExecutorService inference = Executors.newFixedThreadPool(inferenceThreads, r -> {
            Thread t = new Thread(r, "lb-inference");
            t.setDaemon(true);
            return t;
        });
        KafkaStreams streams = new KafkaStreams(ForecastTopology.build(s, spec, recording, AvroFormat.singleObject(),
                metrics, inference), props);
        streams.start();
        awaitRunning(streams);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong n = new AtomicLong(ladder[0]);
        AtomicLong previousN = new AtomicLong(0);
        AtomicLong rampStart = new AtomicLong(System.currentTimeMillis());
        AtomicLong sent = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        Thread generator = new Thread(() -> generate(bootstrap, topics.input(), flights, n, previousN, rampStart, sent,
                running, failure), "lb-generator");
        List<long[]> latencies = java.util.Collections.synchronizedList(new ArrayList<>()); // {receivedAt, latency}
        AtomicLong bandsRead = new AtomicLong();
        Thread reader = new Thread(() -> readBands(bootstrap, topics.bands(), latencies, bandsRead, running), "lb-bands");
        generator.start();
        reader.start();

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Thread.sleep(warmupSeconds * 1000L);
            out("%7s %9s %9s %9s %9s %10s %8s %8s %9s %8s %10s %9s %8s %8s %s", "N", "in/s", "lag mid", "lag end",
                    "lag max", "lag slope/s", "calls", "win/call", "steps/win", "fwd/win", "windows/s", "stretched",
                    "e2e p50", "e2e p99", "verdict");
            List<Step> steps = new ArrayList<>();
            for (int i = 0; i < ladder.length; i++) {
                long start = System.currentTimeMillis();
                previousN.set(n.get());
                rampStart.set(start);
                n.set(ladder[i]);
                long mid = start + stepSeconds * 500L;
                long sent0 = 0;
                double stretched0 = 0;
                List<double[]> lag = new ArrayList<>();
                boolean inSecondHalf = false;
                while (System.currentTimeMillis() - start < stepSeconds * 1000L) {
                    Thread.sleep(1000);
                    if (!inSecondHalf && System.currentTimeMillis() >= mid) {
                        inSecondHalf = true;
                        mid = System.currentTimeMillis();
                        sent0 = sent.get();
                        stretched0 = metrics.count("sigmavrate.cadence.stretched", null, null);
                    }
                    lag.add(new double[] {(System.currentTimeMillis() - start) / 1000.0, lag(admin, appId, topics.input())});
                    if (failure.get() != null) {
                        throw failure.get();
                    }
                }
                long end = System.currentTimeMillis();
                Step step = new Step(ladder[i], mid, end, (sent.get() - sent0) * 1000.0 / (end - mid), lag,
                        metrics.count("sigmavrate.cadence.stretched", null, null) - stretched0, recording.calls(), latencies);
                steps.add(step);
                if (step.stretched > 0 && (saturatedBatches == null || step.n > saturatedN)) {
                    // ceiling (b) replays the batches of the most loaded saturated step, not the last step's
                    saturatedBatches = recording.recentBatches();
                    saturatedN = step.n;
                }
                out("%7d %,9.0f %,9.0f %,9.0f %,9.0f %,10.1f %8d %8.1f %9.1f %8.1f %10.1f %,9.0f %7.0fms %7.0fms %s",
                        step.n, step.inRate, step.lagStart(), step.lagEnd(), step.lagMax(), step.lagSlope(), step.calls,
                        step.windowsPerCall(), step.windows == 0 ? 0.0 : (double) step.windowSteps / step.windows,
                        step.windows == 0 ? 0.0 : (double) step.forward / step.windows,
                        step.windowsPerSecond(), step.stretched, step.e2e(0.5), step.e2e(0.99), step.verdict());
            }
            running.set(false);
            generator.join(10_000);
            reader.join(10_000);
            Step top = steps.stream().filter(Step::atCadence).max(Comparator.comparingInt(st -> st.n)).orElse(null);
            Step bounded = steps.stream().filter(Step::lagBounded).max(Comparator.comparingInt(st -> st.n))
                    .orElse(null);
            out("largest N at the default cadence (lag bounded, no window deferred): %s; largest N with lag bounded "
                    + "(cadence stretched beyond capacity): %s", top == null ? "none" : top.n,
                    bounded == null ? "none" : bounded.n);
            streams.close(Duration.ofSeconds(30));
            inference.shutdown();
            inference.awaitTermination(60, TimeUnit.SECONDS);
            standalone(recording, steps);
        } finally {
            running.set(false);
            streams.close(Duration.ofSeconds(30));
        }
    }

    /**
     * N aircraft once a second in ten 100-ms slices; when N grows, the new aircraft join over {@value #RAMP_MS} ms
     * (not all at once: their first windows would all fall due in the same second).
     */
    private void generate(String bootstrap, String topic, MultiplexedFlights flights, AtomicLong n, AtomicLong previousN,
            AtomicLong rampStart, AtomicLong sent, AtomicBoolean running, AtomicReference<Exception> failure) {
        try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
            long start = System.currentTimeMillis();
            for (long tick = 0; running.get(); tick++) {
                long wait = start + tick * 100 - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                int count = (int) n.get();
                int from = (int) previousN.get();
                double ramp = Math.min(1.0, (System.currentTimeMillis() - rampStart.get()) / (double) RAMP_MS);
                int active = count <= from ? count : from + (int) ((count - from) * ramp);
                int slice = (int) (tick % 10);
                long second = tick / 10;
                for (int a = slice * count / 10; a < (slice + 1) * count / 10; a++) {
                    if (a >= active) {
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    SurveillanceReport r = flights.report(a, second, now);
                    producer.send(new ProducerRecord<>(topic, null, now, r.getIcao24(), serializer.serialize(topic, r)),
                            (md, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    sent.incrementAndGet();
                                }
                            });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    private static void readBands(String bootstrap, String topic, List<long[]> latencies, AtomicLong read,
            AtomicBoolean running) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "lb-bands-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    latencies.add(new long[] {now, now - r.timestamp()});
                    read.incrementAndGet();
                }
            }
        }
    }

    private static double lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int i = 0; i < 2; i++) {
            ask.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    /** One ladder step's figures. */
    private static final class Step {
        final int n;
        final long start;
        final long end;
        final double inRate;
        final List<double[]> lag;
        final double stretched;
        final int calls;
        final long windows;
        final long maxWindows;
        final long forward;
        final long windowSteps;
        final long[] e2e;

        Step(int n, long start, long end, double inRate, List<double[]> lag, double stretched,
                List<RecordingForecaster.Call> allCalls, List<long[]> latencies) {
            this.n = n;
            this.start = start;
            this.end = end;
            this.inRate = inRate;
            this.lag = lag;
            this.stretched = stretched;
            int c = 0;
            long w = 0;
            long max = 0;
            long fwd = 0;
            long ws = 0;
            for (RecordingForecaster.Call call : allCalls) {
                if (call.endMillis() >= start && call.endMillis() < end) {
                    c++;
                    fwd += call.forwardCalls();
                    ws += call.windowSteps();
                    w += call.windows();
                    max = Math.max(max, call.windows());
                }
            }
            calls = c;
            windows = w;
            maxWindows = max;
            forward = fwd;
            windowSteps = ws;
            synchronized (latencies) {
                e2e = latencies.stream().filter(l -> l[0] >= start && l[0] < end).mapToLong(l -> l[1]).sorted().toArray();
            }
        }

        double seconds() {
            return (end - start) / 1000.0;
        }

        double windowsPerCall() {
            return calls == 0 ? 0 : (double) windows / calls;
        }

        double windowsPerSecond() {
            return windows / seconds();
        }

        double lagStart() {
            return lag.get(lag.size() / 2)[1];
        }

        double lagEnd() {
            return lag.get(lag.size() - 1)[1];
        }

        double lagMax() {
            return lag.stream().mapToDouble(l -> l[1]).max().orElse(0);
        }

        /** Least-squares slope of the lag over the step's second half, reports per second. */
        double lagSlope() {
            List<double[]> half = lag.subList(lag.size() / 2, lag.size());
            double mx = half.stream().mapToDouble(l -> l[0]).average().orElse(0);
            double my = half.stream().mapToDouble(l -> l[1]).average().orElse(0);
            double sxy = 0;
            double sxx = 0;
            for (double[] l : half) {
                sxy += (l[0] - mx) * (l[1] - my);
                sxx += (l[0] - mx) * (l[0] - mx);
            }
            return sxx == 0 ? 0 : sxy / sxx;
        }

        /** Lag bounded: it does not grow by more than 2% of the input rate, and stays under 3 s of input. */
        boolean lagBounded() {
            return lagSlope() < 0.02 * Math.max(inRate, 1) && lagEnd() < 3 * Math.max(inRate, 1);
        }

        boolean atCadence() {
            return lagBounded() && stretched == 0;
        }

        double e2e(double q) {
            if (e2e.length == 0) {
                return Double.NaN;
            }
            return e2e[Math.min(e2e.length - 1, (int) Math.floor(q * e2e.length))];
        }

        String verdict() {
            return atCadence() ? "at cadence" : lagBounded() ? "lag bounded, cadence stretched" : "LAG GROWING";
        }
    }

    // ----------------------------------------------------------------------------------------------- ceiling (b)

    private void standalone(RecordingForecaster recording, List<Step> steps) {
        Step saturated = steps.stream().filter(st -> st.stretched > 0).max(Comparator.comparingInt(st -> st.n))
                .orElse(steps.get(steps.size() - 1));
        List<List<ObservedWindow>> batches = saturatedBatches != null ? saturatedBatches : recording.recentBatches();
        if (batches.isEmpty()) {
            out("ceiling (b): no inference call recorded");
            return;
        }
        long windows = 0;
        InferenceMetrics model = forecaster instanceof SigmaGptForecaster f ? f.session().metrics() : null;
        long[] before = model == null ? null
                : new long[] {model.sequences(), model.steps(), model.outputRows(), (long) (model.seconds() * 1e9)};
        long t0 = System.nanoTime();
        long deadline = t0 + (long) (standaloneSeconds * 1e9);
        int rounds = 0;
        while (System.nanoTime() < deadline) {
            for (List<ObservedWindow> b : batches) {
                forecaster.forecast(b);
                windows += b.size();
                if (System.nanoTime() >= deadline) {
                    break;
                }
            }
            rounds++;
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
                + "%.1f windows/s = %.0f%% (forecaster busy %.0f%% of the step)", batches.size(), mean, standaloneSeconds,
                alone, saturated.n, saturated.stretched, saturated.windowsPerSecond(),
                100 * saturated.windowsPerSecond() / alone, 100 * busy / saturated.seconds());
        StringBuilder all = new StringBuilder();
        for (Step st : steps) {
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
