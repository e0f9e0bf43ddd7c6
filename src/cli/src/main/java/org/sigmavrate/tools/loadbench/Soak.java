package org.sigmavrate.tools.loadbench;

import static org.sigmavrate.tools.loadbench.BenchOutput.out;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.StreamingMetrics;
import org.sigmavrate.streaming.StreamingSettings;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The soak: the service as configured, with a short state expiry, while a {@link RollingPopulation} passes
 * {@code total} distinct aircraft through it. Every {@code sampleSeconds} a row: the stores' entries (counted by
 * iterating them through interactive queries), aircraft expired, the state folder's size on disk, heap used after a
 * full GC and the process's resident set, which should plateau while the aircraft seen keep growing. After the
 * traffic, optionally, the drain: with no input the task's stream time stands and runs on at the wall clock's pace,
 * so the last aircraft leave the stores after the expiry of wall clock.
 */
final class Soak {
    private final StreamingSettings settings;
    private final Spec spec;
    private final WindowForecaster forecaster;
    private final int inferenceThreads;
    private final int total;
    private final int airborne;
    private final int flightSeconds;
    private final int reportSeconds;
    private final int rate;
    private final int sampleSeconds;
    private final boolean drain;

    Soak(StreamingSettings settings, Spec spec, WindowForecaster forecaster, int inferenceThreads, int total,
            int airborne, int flightSeconds, int reportSeconds, int rate, int sampleSeconds, boolean drain) {
        this.settings = settings;
        this.spec = spec;
        this.forecaster = forecaster;
        this.inferenceThreads = inferenceThreads;
        this.total = total;
        this.airborne = airborne;
        this.flightSeconds = flightSeconds;
        this.reportSeconds = reportSeconds;
        this.rate = rate;
        this.sampleSeconds = sampleSeconds;
        this.drain = drain;
    }

    /** One row of the table. */
    record Sample(double wallSeconds, double eventMinutes, long started, long sent, double lag, long flights,
            long latest, long pending, double expired, double stateMb, double heapMb, double rssMb,
            boolean trafficOver) {
    }

    List<Sample> run(String bootstrap, MultiplexedFlights templates) throws Exception {
        StreamingSettings.Topics topics = new StreamingSettings.Topics("soak-in", "soak-traj", "soak-bands", "soak-dlq",
                "soak-failures");
        BenchKafka.createTopics(bootstrap, 2, topics.input(), topics.trajectories(), topics.bands(), topics.deadLetter(),
                topics.forecastFailures());
        StreamingSettings s = settings.withTopics(topics);
        StreamingMetrics metrics = new StreamingMetrics(new SimpleMeterRegistry());
        String appId = "lb-soak";
        Properties props = BenchKafka.streamsProps(bootstrap, appId, BenchKafka.streamsConfig(bootstrap)
                .getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        Path stateDir = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG));
        RollingPopulation traffic = new RollingPopulation(bootstrap, topics.input(), templates, total, airborne,
                flightSeconds, reportSeconds, rate);
        out("%nsoak: the service (%s, %s, state expiry %s, sweeps of %s) on %s; %,d distinct "
                + "aircraft, %,d airborne at a time, each reporting every %d s for %d s of event time then silent; "
                + "%,d reports/s, so event time runs %.0fx the wall clock (%.1f h of event time, from %s); a row "
                + "every %d s: store entries (all tasks, counted), expired total, state folder on disk, heap used "
                + "after a full GC (of which the bench's flight templates hold %.0f MB), process RSS",
                forecaster.modelId(), BenchKafka.label(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)),
                s.expireAfterMillis() == StreamingSettings.NEVER_EXPIRE ? "none"
                        : String.format(java.util.Locale.ROOT, "%.1f min of event time", s.expireAfterMillis() / 60_000.0),
                s.expireAfterMillis() == StreamingSettings.NEVER_EXPIRE ? "none" : "1000 keys/s per task",
                topics.input(), total, airborne,
                reportSeconds, flightSeconds, rate, traffic.speed(), traffic.spanMillis() / 3_600_000.0,
                java.time.Instant.ofEpochMilli(traffic.origin()), sampleSeconds,
                megabytes(templates.templateSeconds() * 6 * Float.BYTES));
        ExecutorService inference = Executors.newFixedThreadPool(inferenceThreads, r -> {
            Thread t = new Thread(r, "lb-inference");
            t.setDaemon(true);
            return t;
        });
        KafkaStreams streams = new KafkaStreams(ForecastTopology.build(s, spec, forecaster, AvroFormat.singleObject(),
                metrics, inference), props);
        List<Sample> samples = new ArrayList<>();
        try (Admin admin = BenchKafka.admin(bootstrap)) {
            streams.start();
            BenchKafka.awaitRunning(streams);
            long start = System.currentTimeMillis();
            traffic.start();
            header();
            long drainUntil = Long.MAX_VALUE;
            for (long next = start + sampleSeconds * 1000L;; next += sampleSeconds * 1000L) {
                long wait = next - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
                if (traffic.failure() != null) {
                    throw traffic.failure();
                }
                double lag = BenchKafka.lag(admin, appId, topics.input(), 2);
                Sample row = new Sample((System.currentTimeMillis() - start) / 1000.0,
                        (traffic.eventTime() - traffic.origin()) / 60_000.0, traffic.started(), traffic.sent(), lag,
                        entries(streams, ForecastTopology.FLIGHTS_STORE),
                        entries(streams, ForecastTopology.LATEST_STORE),
                        entries(streams, ForecastTopology.PENDING_STORE),
                        metrics.count("sigmavrate.state.expired", null, null), megabytes(sizeOf(stateDir)),
                        heapAfterGc(), rssMb(), traffic.finished());
                samples.add(row);
                row(row);
                if (traffic.finished() && lag == 0) {
                    if (!drain || row.flights() == 0 || s.expireAfterMillis() == StreamingSettings.NEVER_EXPIRE) {
                        break;
                    }
                    if (drainUntil == Long.MAX_VALUE) {
                        drainUntil = System.currentTimeMillis() + s.expireAfterMillis() + 120_000;
                        out("soak: traffic over; draining (the task's stream time now runs on the wall clock)");
                    } else if (System.currentTimeMillis() > drainUntil) {
                        out("soak: the stores did not drain within the expiry + 2 min of wall clock");
                        break;
                    }
                }
            }
            traffic.stop();
            traffic.join(10_000);
            summary(samples);
            return samples;
        } finally {
            traffic.stop();
            streams.close(Duration.ofSeconds(30));
            inference.shutdown();
            inference.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private static long entries(KafkaStreams streams, String store) {
        ReadOnlyKeyValueStore<String, Object> kv = streams.store(StoreQueryParameters.fromNameAndType(store,
                QueryableStoreTypes.<String, Object>keyValueStore()));
        long n = 0;
        try (KeyValueIterator<String, Object> it = kv.all()) {
            for (; it.hasNext(); it.next()) {
                n++;
            }
        }
        return n;
    }

    private static long sizeOf(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0; // RocksDB deleted it meanwhile (compaction)
                }
            }).sum();
        } catch (IOException | UncheckedIOException e) {
            return -1;
        }
    }

    private static double heapAfterGc() {
        System.gc();
        return megabytes(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }

    private static double rssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux: no RSS column
        }
        return -1;
    }

    private static double megabytes(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static void header() {
        out("%7s %9s %9s %11s %9s %9s %9s %8s %9s %9s %9s %9s", "wall s", "event min", "aircraft", "reports",
                "lag", "flights", "latest", "pending", "expired", "state MB", "heap MB", "RSS MB");
    }

    private static void row(Sample r) {
        out("%7.0f %9.1f %,9d %,11d %,9.0f %,9d %,9d %,8d %,9.0f %9.1f %9.1f %9.1f", r.wallSeconds(), r.eventMinutes(),
                r.started(), r.sent(), r.lag(), r.flights(), r.latest(), r.pending(), r.expired(), r.stateMb(),
                r.heapMb(), r.rssMb());
    }

    /** The plateau: the first and the second half of the traffic compared (the drain excluded). */
    private static void summary(List<Sample> samples) {
        List<Sample> traffic = samples.stream().filter(r -> !r.trafficOver()).toList();
        if (traffic.size() < 4) {
            out("soak: too short for a summary");
            return;
        }
        int half = traffic.size() / 2;
        List<Sample> first = traffic.subList(0, half);
        List<Sample> second = traffic.subList(half, traffic.size());
        out("soak: aircraft seen %,d; flights entries max %,d (first half) / %,d (second half); latest-bands max %,d "
                + "/ %,d; state folder max %.1f / %.1f MB; heap after GC max %.1f / %.1f MB; RSS max %.1f / %.1f MB",
                samples.get(samples.size() - 1).started(), max(first, Sample::flights), max(second, Sample::flights),
                max(first, Sample::latest), max(second, Sample::latest), maxD(first, Sample::stateMb),
                maxD(second, Sample::stateMb), maxD(first, Sample::heapMb), maxD(second, Sample::heapMb),
                maxD(first, Sample::rssMb), maxD(second, Sample::rssMb));
    }

    private static long max(List<Sample> rows, java.util.function.ToLongFunction<Sample> f) {
        return rows.stream().mapToLong(f).max().orElse(0);
    }

    private static double maxD(List<Sample> rows, java.util.function.ToDoubleFunction<Sample> f) {
        return rows.stream().mapToDouble(f).max().orElse(0);
    }
}
