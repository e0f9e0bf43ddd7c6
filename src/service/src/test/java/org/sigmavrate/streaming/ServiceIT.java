package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.tracking.ReforecastRules;

/**
 * The packaged service ({@code src/service/target/quarkus-app}, as {@code bin/forecaster serve} runs it, in its own
 * JVM) against a real
 * in-JVM KRaft broker shared by the tests: reports in, both outputs out; two instances sharing the work, each
 * answering the REST query for every aircraft (forwarding to the owner); and a kill -9 in the middle of the input
 * with a restart on an empty state folder (state comes back from the changelogs) that loses and repeats nothing.
 * The expected outputs are those of the same topology in a TopologyTestDriver: the service is deterministic.
 */
class ServiceIT {
    private static TestBroker cluster;
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 3_600_000;
    private static final String JAR = "src/service/target/quarkus-app/quarkus-run.jar";

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = startCluster();
    }

    /** A one-node KRaft broker for the packaged service; skips the test class outside mvn verify (no jar). */
    static TestBroker startCluster() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(Path.of(JAR)),
                "needs the packaged service: run through mvn verify");
        return TestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    static StreamingSettings.Topics topics(String prefix) {
        return new StreamingSettings.Topics(prefix + "-reports", prefix + "-trajectories", prefix + "-bands",
                prefix + "-dlq", prefix + "-forecast-failures");
    }

    static List<SurveillanceReport> input(int aircraft, int seconds) {
        List<SurveillanceReport> out = new ArrayList<>();
        for (int s = 0; s < seconds; s += 7) {
            for (int a = 0; a < aircraft; a++) {
                long t = T0 + s * 1000L;
                double minutes = s / 60.0;
                out.add(Fixtures.report(String.format("%06x", 0xc00000 + a), t, 2000 + 1200 * minutes + a * 100, 1216.0));
            }
        }
        return out;
    }

    /** What the topology gives for this input (one batch at the end: outputs do not depend on batching). */
    static List<String> expected(List<SurveillanceReport> input, StreamingSettings.Topics topics) throws IOException {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "expected");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("expected").toString());
        // the service's settings, in one batch at the end (no time budget)
        StreamingSettings configured = ConfiguredSettings.streaming(ConfigDefaults.forecaster(), SpecLoader.bundled());
        StreamingSettings settings = configured.withTopics(topics).withBatch(configured.maxBatchWindows(), 0)
                .withReforecast(configured.rules().reforecast().withMode(ReforecastRules.Mode.CADENCE));
        try (TopologyTestDriver driver = new TopologyTestDriver(ForecastTopology.build(settings, SpecLoader.bundled(),
                new AltitudeDifferenceForecaster(), AvroFormat.singleObject(), StreamingMetrics.noop()), props)) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topics.input(), new ByteArraySerializer(),
                    new ByteArraySerializer());
            for (SurveillanceReport r : input) {
                in.pipeInput(r.getIcao24().getBytes(), Fixtures.bytes(r));
            }
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            List<String> out = new ArrayList<>();
            for (String topic : List.of(topics.trajectories(), topics.bands())) {
                driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer()).readKeyValuesToList()
                        .forEach(kv -> out.add(topic + " " + kv.key + " " + Base64.getEncoder().encodeToString(kv.value)));
            }
            out.sort(null);
            return out;
        }
    }

    private static void produce(List<SurveillanceReport> reports, String topic) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Replay.producerConfig(cluster.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (SurveillanceReport r : reports) {
                p.send(new ProducerRecord<>(topic, null, r.getEventTime().toEpochMilli(), r.getIcao24(), Fixtures.bytes(r)));
            }
            p.flush();
        }
    }

    /** Reads both output topics with read_committed until {@code n} records or the timeout. */
    private static List<String> consume(StreamingSettings.Topics topics, int n, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + topics.input() + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topics.trajectories(), topics.bands()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(r.topic() + " " + r.key() + " " + Base64.getEncoder().encodeToString(r.value()));
                }
            }
            // a little longer: duplicates would show up here
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(r.topic() + " " + r.key() + " " + Base64.getEncoder().encodeToString(r.value()));
                }
            }
        }
        out.sort(null);
        return out;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the packaged service and waits until /q/health/ready says UP. */
    private static Process serve(StreamingSettings.Topics topics, String appId, Path state, int port, Path log)
            throws Exception {
        return serve(cluster.bootstrapServers(), topics, appId, state, port, log, List.of());
    }

    /** @param settings more {@code -Dname=value} settings for the service */
    static Process serve(String bootstrap, StreamingSettings.Topics topics, String appId, Path state, int port, Path log,
            List<String> settings) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx512m",
                "-Dforecaster.model=baseline-altitude-difference", "-Dkafka-streams.application.id=" + appId, "-Dkafka-streams.state.dir=" + state,
                "-Dkafka-streams.application.server=localhost:" + port, "-Dkafka-streams.consumer.session.timeout.ms=10000",
                "-Dkafka.bootstrap.servers=" + bootstrap, "-Dquarkus.http.port=" + port,
                "-Dforecaster.topics.input=" + topics.input(), "-Dforecaster.topics.trajectories=" + topics.trajectories(),
                "-Dforecaster.topics.bands=" + topics.bands(), "-Dforecaster.topics.dead-letter=" + topics.deadLetter(),
                "-Dforecaster.topics.forecast-failures=" + topics.forecastFailures(),
                // outputs equal to expected()'s whatever the batching: under the changes policy which windows are
                // forecast depends on when the earlier forecasts were published
                "-Dforecaster.reforecast.mode=cadence"));
        command.addAll(settings);
        command.addAll(List.of("-jar", JAR));
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(p.isAlive(), "the service exited; see " + log);
            try {
                if (http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        p.destroyForcibly();
        throw new AssertionError("the service did not become ready in 90 s; see " + log);
    }

    @Test
    void reportsInInfilledTrajectoriesAndDensityBandsOut() throws Exception {
        StreamingSettings.Topics topics = topics("it-basic");
        TopicAdmin.ensure(cluster.bootstrapServers(), topics, 2, (short) 1);
        List<SurveillanceReport> input = input(4, 300);
        List<String> expected = expected(input, topics);
        int port = freePort();
        Path log = Files.createTempFile("serve", ".log");
        Process service = serve(topics, "it-basic", Files.createTempDirectory("state"), port, log);
        try {
            produce(input, topics.input());
            List<String> got = consume(topics, expected.size(), Duration.ofSeconds(90));
            assertEquals(expected, got);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> bands = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/forecasts/c00001")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, bands.statusCode(), bands.body());
            assertTrue(bands.body().contains("\"icao24\":\"c00001\""), bands.body());
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("sigmavrate_records_in_total"), "metrics");
            assertTrue(metrics.contains("sigmavrate_inference_seconds_bucket"), "inference histogram");
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void eitherInstanceAnswersForEveryAircraftByAskingTheOwner() throws Exception {
        StreamingSettings.Topics topics = topics("it-pair");
        TopicAdmin.ensure(cluster.bootstrapServers(), topics, 2, (short) 1);
        List<SurveillanceReport> input = input(6, 200);
        List<String> expected = expected(input, topics);
        int[] ports = {freePort(), freePort()};
        Path log = Files.createTempFile("serve-pair", ".log");
        Process a = serve(topics, "it-pair", Files.createTempDirectory("state"), ports[0], log);
        Process b = null;
        try {
            b = serve(topics, "it-pair", Files.createTempDirectory("state"), ports[1], log);
            awaitTasksOnBoth(ports, Duration.ofSeconds(60));
            produce(input, topics.input());
            assertEquals(expected.size(), consume(topics, expected.size(), Duration.ofSeconds(90)).size());
            HttpClient http = HttpClient.newHttpClient();
            int[] owned = new int[2];
            for (int i = 0; i < 6; i++) {
                String icao24 = String.format("%06x", 0xc00000 + i);
                String[] local = new String[2];
                for (int k = 0; k < 2; k++) {
                    HttpResponse<String> r = get(http, ports[k], "/forecasts/" + icao24 + "?local=true");
                    if (r.statusCode() == 200) {
                        local[k] = r.body();
                        owned[k]++;
                    }
                }
                assertTrue(local[0] == null ^ local[1] == null, icao24 + " is held by exactly one instance");
                String answer = local[0] != null ? local[0] : local[1];
                assertTrue(answer.contains("\"icao24\":\"" + icao24 + "\""), answer);
                for (int k = 0; k < 2; k++) {
                    HttpResponse<String> r = get(http, ports[k], "/forecasts/" + icao24);
                    assertEquals(200, r.statusCode(), "instance " + k + " for " + icao24 + ": " + r.body());
                    assertEquals(answer, r.body(), "instance " + k + " gives the owner's answer for " + icao24);
                }
            }
            assertTrue(owned[0] > 0 && owned[1] > 0, "each instance owns some aircraft, so some answers were forwarded: "
                    + owned[0] + " and " + owned[1] + " (log: " + log + ")");
        } finally {
            a.destroy();
            if (b != null) {
                b.destroy();
                b.waitFor(30, TimeUnit.SECONDS);
            }
            a.waitFor(30, TimeUnit.SECONDS);
        }
    }

    static HttpResponse<String> get(HttpClient http, int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Waits until both instances are healthy after the rebalance that gave the second one its tasks. */
    private static void awaitTasksOnBoth(int[] ports, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (get(http, ports[0], "/q/health").statusCode() == 200 && get(http, ports[1], "/q/health").statusCode() == 200
                    && get(http, ports[0], "/forecasts/000000?local=true").statusCode() == 404
                    && get(http, ports[1], "/forecasts/000000?local=true").statusCode() == 404) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the two instances did not both become ready");
    }

    @Test
    void aCrashAndRestartLosesAndRepeatsNoOutput() throws Exception {
        StreamingSettings.Topics topics = topics("it-crash");
        TopicAdmin.ensure(cluster.bootstrapServers(), topics, 2, (short) 1);
        List<SurveillanceReport> input = input(6, 600);
        List<String> expected = expected(input, topics);
        int half = input.size() / 2;
        int port = freePort();
        Path log = Files.createTempFile("serve-crash", ".log");
        Process first = serve(topics, "it-crash", Files.createTempDirectory("state"), port, log);
        produce(input.subList(0, half), topics.input());
        consume(topics, 10, Duration.ofSeconds(60));
        first.destroyForcibly(); // kill -9: no commit, no clean shutdown
        first.waitFor(30, TimeUnit.SECONDS);
        produce(input.subList(half, input.size()), topics.input());
        // a fresh state folder: the flights come back from the changelog topics
        Process second = serve(topics, "it-crash", Files.createTempDirectory("state"), port, log);
        try {
            List<String> got = consume(topics, expected.size(), Duration.ofSeconds(120));
            assertEquals(expected.size(), got.size(), "no output lost or repeated (log: " + log + ")");
            assertEquals(expected, got);
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
