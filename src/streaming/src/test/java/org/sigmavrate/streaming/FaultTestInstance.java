package org.sigmavrate.streaming;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.SpecLoader;

/**
 * One instance of the forecasting topology as the service runs it (exactly_once_v2 and the rest of the production
 * tuning read from src/config's META-INF/microprofile-config.properties, inference off the stream thread, failed stream
 * threads replaced), with a {@link GatedForecaster}. {@link ProcessFaultsIT} runs it in its own JVM ({@link #main})
 * where it must be killed with SIGKILL, and in the test JVM ({@link #start}) otherwise.
 */
final class FaultTestInstance implements AutoCloseable {
    /** The production Kafka Streams tuning, shared by the service and load-bench (working directory: the repo root). */
    static final Path TUNING = Path.of("src/config/src/main/resources/META-INF/microprofile-config.properties");
    /** line {@link #main} writes to its announcement file once Kafka Streams is running */
    static final String RUNNING = "running";
    private static final String PREFIX = "kafka-streams.";

    private final KafkaStreams streams;
    private final ExecutorService inference;

    private FaultTestInstance(KafkaStreams streams, ExecutorService inference) {
        this.streams = streams;
        this.inference = inference;
    }

    /** Builds and starts an instance; the caller waits for the states it needs. */
    static FaultTestInstance start(String bootstrap, String applicationId, Path stateDir, StreamingSettings settings,
            WindowForecaster forecaster) {
        ExecutorService inference = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "inference-" + applicationId);
            t.setDaemon(true);
            return t;
        });
        Topology topology = ForecastTopology.build(settings, SpecLoader.bundled(), forecaster, AvroFormat.singleObject(),
                StreamingMetrics.noop(), inference);
        KafkaStreams streams = new KafkaStreams(topology, config(bootstrap, applicationId, stateDir));
        streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.REPLACE_THREAD);
        streams.start();
        return new FaultTestInstance(streams, inference);
    }

    /** The production tuning plus where this instance runs; one replica and quick failure detection for the tests. */
    static Properties config(String bootstrap, String applicationId, Path stateDir) {
        Properties tuning = new Properties();
        try (InputStream in = Files.newInputStream(TUNING)) {
            tuning.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("the production tuning " + TUNING.toAbsolutePath(), e);
        }
        Properties props = new Properties();
        tuning.stringPropertyNames().stream().filter(k -> k.startsWith(PREFIX))
                .forEach(k -> props.put(k.substring(PREFIX.length()), tuning.getProperty(k)));
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))) {
            throw new IllegalStateException("the fault tests assume the production tuning's exactly_once_v2: " + props);
        }
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0);
        // a killed member leaves the group after 6 s (the broker's minimum) instead of 45 s
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1000);
        return props;
    }

    KafkaStreams streams() {
        return streams;
    }

    /** Waits until Kafka Streams is RUNNING (tasks assigned and restored). */
    void awaitRunning(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR
                    || streams.state() == KafkaStreams.State.NOT_RUNNING) {
                throw new AssertionError("Kafka Streams is " + streams.state() + ", not RUNNING");
            }
            Thread.sleep(50);
        }
    }

    /** Closes Kafka Streams cleanly (the last transaction committed); a batch in flight is dropped with its thread. */
    @Override
    public void close() {
        streams.close(Duration.ofSeconds(60));
        inference.shutdownNow();
    }

    /**
     * An instance in its own JVM, until it is killed. Arguments: bootstrap servers, application id, state folder,
     * topic prefix ({@link ProcessFaultsIT#topics}), the file where calls are announced (one line each), the gate:
     * calls wait while this file exists.
     */
    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String applicationId = args[1];
        Path state = Path.of(args[2]);
        StreamingSettings settings = ProcessFaultsIT.settings(args[3]);
        Path calls = Path.of(args[4]);
        Path gate = Path.of(args[5]);
        GatedForecaster forecaster = new GatedForecaster(() -> Files.exists(gate), line -> append(calls, line));
        FaultTestInstance instance = start(bootstrap, applicationId, state, settings, forecaster);
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            instance.close();
            closed.countDown();
        }));
        instance.awaitRunning(Duration.ofMinutes(2));
        append(calls, RUNNING);
        closed.await();
    }

    private static synchronized void append(Path file, String line) {
        try {
            Files.writeString(file, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.SYNC);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
