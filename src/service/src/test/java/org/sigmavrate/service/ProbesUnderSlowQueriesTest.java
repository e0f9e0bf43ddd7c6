package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.StreamingMetrics;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * The probes answer while {@code /forecasts} queries hang: a second instance of the application (a Kafka Streams
 * client in the test JVM, same application id and topology) owns half the aircraft and advertises an address that
 * accepts connections and never answers. Queries for its aircraft are forwarded there and hang until the query
 * timeout; many of them at once, on a 4-thread HTTP worker pool (the pool that runs the health checks), would keep the
 * probes waiting for minutes if the queries ran on it.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
@TestProfile(ProbesUnderSlowQueriesTest.SmallWorkerPool.class)
class ProbesUnderSlowQueriesTest {
    private static final int SLOW_QUERIES = 64;

    public static class SmallWorkerPool implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.thread-pool.max-threads", "4");
        }
    }

    @Test
    void probesAnswerWhileManyQueriesWaitForAnOwnerThatNeverAnswers() throws Exception {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        try (ServerSocket silent = new ServerSocket(0); KafkaStreams other = silentOwner(silent.getLocalPort())) {
            Thread acceptor = new Thread(() -> acceptAndNeverAnswer(silent), "silent-owner");
            acceptor.setDaemon(true);
            acceptor.start();
            other.start();
            List<String> theirs = aircraftOwnedBy(other, silent.getLocalPort(), http, port);

            List<CompletableFuture<HttpResponse<String>>> queries = new ArrayList<>();
            for (int i = 0; i < SLOW_QUERIES; i++) {
                queries.add(http.sendAsync(request(port, "/forecasts/" + theirs.get(i % theirs.size()),
                        Duration.ofSeconds(120)), HttpResponse.BodyHandlers.ofString()));
            }
            for (int i = 0; i < 10; i++) {
                for (String probe : List.of("/q/health/live", "/q/health/ready")) {
                    HttpResponse<String> r = http.send(request(port, probe, Duration.ofSeconds(20)),
                            HttpResponse.BodyHandlers.ofString());
                    assertEquals(200, r.statusCode(), probe + " while queries hang: " + r.body());
                }
            }

            Map<Integer, Integer> statuses = new TreeMap<>();
            for (CompletableFuture<HttpResponse<String>> q : queries) {
                statuses.merge(q.get(120, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
            }
            assertTrue(statuses.getOrDefault(504, 0) > 0, "queries timed out waiting for the silent owner: "
                    + statuses);
            assertTrue(statuses.keySet().stream().allMatch(s -> s == 504 || s == 503), "each query timed out (504) "
                    + "or was refused because too many were waiting (503): " + statuses);
        }
    }

    private static HttpRequest request(int port, String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).timeout(timeout).build();
    }

    /** The service's topology, with a baseline forecaster, in a second member of the service's consumer group. */
    private static KafkaStreams silentOwner(int port) throws IOException {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, ConfigProvider.getConfig().getValue("kafka-streams.application.id",
                String.class));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("silent-owner").toString());
        p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, "localhost:" + port);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        return new KafkaStreams(ForecastTopology.build(ConfiguredSettings.streaming(ConfigDefaults.forecaster(),
                SpecLoader.bundled()), SpecLoader.bundled(), new AltitudeDifferenceForecaster(),
                AvroFormat.singleObject(), StreamingMetrics.noop()), p);
    }

    private static void acceptAndNeverAnswer(ServerSocket server) {
        List<Socket> held = new ArrayList<>();
        try {
            while (true) {
                held.add(server.accept());
            }
        } catch (IOException closed) {
            held.forEach(s -> {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            });
        }
    }

    /** Waits for the group to settle with both members, then lists aircraft whose bands the silent owner holds. */
    private static List<String> aircraftOwnedBy(KafkaStreams other, int silentPort, HttpClient http, int port)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            assertTrue(System.nanoTime() < deadline, "the two members did not settle in 120 s: " + other.state());
            List<String> theirs = new ArrayList<>();
            if (other.state() == KafkaStreams.State.RUNNING && http.send(request(port, "/q/health/ready",
                    Duration.ofSeconds(20)), HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                for (int a = 0; a < 64; a++) {
                    String icao24 = String.format("%06x", 0xa00000 + a);
                    KeyQueryMetadata owner = other.queryMetadataForKey(ForecastTopology.LATEST_STORE, icao24,
                            Serdes.String().serializer());
                    if (owner != null && owner.activeHost().port() == silentPort) {
                        theirs.add(icao24);
                    }
                }
            }
            if (!theirs.isEmpty()) {
                return theirs;
            }
            Thread.sleep(500);
        }
    }
}
