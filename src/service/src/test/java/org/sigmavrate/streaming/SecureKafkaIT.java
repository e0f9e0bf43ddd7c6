package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;

/**
 * The packaged service against a broker that takes SASL_SSL only (TLS with a certificate made here by keytool, SCRAM-
 * SHA-512 users created through the Admin API), configured by environment variables alone, as in Kubernetes: the
 * {@code KAFKA_STREAMS_*} security variables of docs/STREAMING.md reach every client of the service (Kafka Streams'
 * consumers, producers and admin, and the extension's topic check). It consumes and produces what the topology gives;
 * with a wrong password it never becomes ready and says why in its log.
 */
class SecureKafkaIT {
    private static final String STORE_PASSWORD = "test-store-secret";
    private static final String JAR = "src/service/target/quarkus-app/quarkus-run.jar";
    private static final String USER = "forecaster";
    private static final String PASSWORD = "forecaster-secret";
    private static Path truststore;
    private static TestBroker cluster;

    @BeforeAll
    static void startBroker() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(Path.of(JAR)),
                "needs the packaged service: run through mvn verify");
        Path dir = Files.createTempDirectory("secure-kafka");
        Path keystore = dir.resolve("broker.p12");
        truststore = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "broker", "-keystore", keystore.toString(), "-storepass",
                STORE_PASSWORD, "-file", dir.resolve("broker.pem").toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.pem").toString(),
                "-storetype", "PKCS12", "-keystore", truststore.toString(), "-storepass", STORE_PASSWORD);

        // the test kit builds SASL_PLAINTEXT listeners only: its broker listener becomes SASL_SSL by the protocol map
        TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build();
        String name = nodes.brokerListenerName().value();
        String listener = "listener.name." + name.toLowerCase(java.util.Locale.ROOT) + ".";
        // PLAIN for the broker itself and this test's admin (no SCRAM user exists before it creates them);
        // SCRAM-SHA-512 for the service. No authorizer: authentication is what is tested here.
        cluster = TestBroker.start(new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("listener.security.protocol.map", name + ":SASL_SSL,"
                        + nodes.controllerListenerName().value() + ":" + nodes.controllerListenerProtocol().name)
                .setConfigProp("authorizer.class.name", "")
                .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
                .setConfigProp("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .setConfigProp(listener + "plain.sasl.jaas.config", "org.apache.kafka.common.security.plain"
                        + ".PlainLoginModule required username=\"admin\" password=\"admin-secret\" "
                        + "user_admin=\"admin-secret\";")
                .setConfigProp(listener + "scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .setConfigProp("ssl.keystore.type", "PKCS12")
                .setConfigProp("ssl.keystore.location", keystore.toString())
                .setConfigProp("ssl.keystore.password", STORE_PASSWORD)
                .setConfigProp("ssl.key.password", STORE_PASSWORD)
                .setConfigProp("ssl.truststore.type", "PKCS12")
                .setConfigProp("ssl.truststore.location", truststore.toString())
                .setConfigProp("ssl.truststore.password", STORE_PASSWORD));
        try (Admin admin = Admin.create(admin())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(USER,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), PASSWORD))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool " + command + ": " + out);
    }

    private static String jaas(String module, String user, String password) {
        return module + " required username=\"" + user + "\" password=\"" + password + "\";";
    }

    /** TLS trusting the test's certificate; the mechanism and JAAS line given. */
    private static Map<String, Object> secured(String mechanism, String jaas) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_SSL");
        p.put(SaslConfigs.SASL_MECHANISM, mechanism);
        p.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
        p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, STORE_PASSWORD);
        return p;
    }

    private static Map<String, Object> admin() {
        return secured("PLAIN", jaas("org.apache.kafka.common.security.plain.PlainLoginModule", "admin",
                "admin-secret"));
    }

    private static Map<String, Object> scram() {
        return secured("SCRAM-SHA-512", jaas("org.apache.kafka.common.security.scram.ScramLoginModule", USER,
                PASSWORD));
    }

    /** The service's whole configuration, as environment variables. */
    private static Map<String, String> environment(StreamingSettings.Topics topics, String appId, int port,
            String password) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", cluster.bootstrapServers());
        env.put("KAFKA_STREAMS_SECURITY_PROTOCOL", "SASL_SSL");
        env.put("KAFKA_STREAMS_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("KAFKA_STREAMS_SASL_JAAS_CONFIG", jaas("org.apache.kafka.common.security.scram.ScramLoginModule",
                USER, password));
        env.put("KAFKA_STREAMS_SSL_TRUSTSTORE_LOCATION", truststore.toString());
        env.put("KAFKA_STREAMS_SSL_TRUSTSTORE_PASSWORD", STORE_PASSWORD);
        env.put("KAFKA_STREAMS_SSL_TRUSTSTORE_TYPE", "PKCS12");
        env.put("KAFKA_STREAMS_APPLICATION_ID", appId);
        env.put("KAFKA_STREAMS_APPLICATION_SERVER", "localhost:" + port);
        env.put("KAFKA_STREAMS_STATE_DIR", Files.createTempDirectory("state").toString());
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        env.put("FORECASTER_MODEL", "baseline-altitude-difference");
        env.put("FORECASTER_REFORECAST_MODE", "cadence"); // compared with ServiceIT.expected, as ServiceIT.serve
        env.put("FORECASTER_TOPICS_INPUT", topics.input());
        env.put("FORECASTER_TOPICS_TRAJECTORIES", topics.trajectories());
        env.put("FORECASTER_TOPICS_BANDS", topics.bands());
        env.put("FORECASTER_TOPICS_DEAD_LETTER", topics.deadLetter());
        return env;
    }

    private static Process start(Map<String, String> environment, Path log) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", JAR).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        // only what is set here: no KAFKA_* or FORECASTER_* of the build's own environment
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("FORECASTER_")
                || k.startsWith("QUARKUS_"));
        pb.environment().putAll(environment);
        return pb.start();
    }

    private static void createTopics(StreamingSettings.Topics topics) throws Exception {
        try (Admin admin = Admin.create(admin())) {
            admin.createTopics(List.of(new NewTopic(topics.input(), 2, (short) 1), new NewTopic(topics.trajectories(),
                    2, (short) 1), new NewTopic(topics.bands(), 2, (short) 1), new NewTopic(topics.deadLetter(), 1,
                            (short) 1))).all().get();
        }
    }

    @Test
    void theServiceConfiguredByEnvironmentConsumesAndProducesOverSaslSsl() throws Exception {
        StreamingSettings.Topics topics = ServiceIT.topics("it-secure");
        createTopics(topics);
        List<SurveillanceReport> input = ServiceIT.input(3, 200);
        List<String> expected = ServiceIT.expected(input, topics);
        int port = ServiceIT.freePort();
        Path log = Files.createTempFile("serve-secure", ".log");
        Process service = start(environment(topics, "it-secure", port, PASSWORD), log);
        try {
            awaitReady(service, port, log);
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(scram(), new StringSerializer(),
                    new ByteArraySerializer())) {
                for (SurveillanceReport r : input) {
                    p.send(new ProducerRecord<>(topics.input(), null, r.getEventTime().toEpochMilli(), r.getIcao24(),
                            Fixtures.bytes(r)));
                }
                p.flush();
            }
            assertEquals(expected, consume(topics, expected.size(), Duration.ofSeconds(90)), "log: " + log);
            HttpResponse<String> bands = ServiceIT.get(HttpClient.newHttpClient(), port, "/forecasts/c00001");
            assertEquals(200, bands.statusCode(), bands.body());
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void aWrongPasswordKeepsTheServiceUnreadyAndItsLogSaysWhy() throws Exception {
        StreamingSettings.Topics topics = ServiceIT.topics("it-wrong-password");
        createTopics(topics);
        int port = ServiceIT.freePort();
        Path log = Files.createTempFile("serve-wrong-password", ".log");
        Process service = start(environment(topics, "it-wrong-password", port, "not-the-password"), log);
        HttpClient http = HttpClient.newHttpClient();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            String ready = null;
            while (!Files.readString(log).contains("Authentication failed") || ready == null) {
                assertTrue(System.nanoTime() < deadline, "no authentication failure logged in 90 s; see " + log);
                assertTrue(service.isAlive(), "the service exited; see " + log);
                try {
                    HttpResponse<String> r = ServiceIT.get(http, port, "/q/health/ready");
                    assertNotEquals(200, r.statusCode(), "ready with a wrong password: " + r.body());
                    ready = r.body();
                } catch (java.io.IOException notListeningYet) {
                    // starting
                }
                Thread.sleep(500);
            }
            assertTrue(ready.contains("\"status\": \"DOWN\"") || ready.contains("\"status\":\"DOWN\""), ready);
            assertTrue(Files.readString(log).contains("SCRAM-SHA-512"), "the log names the mechanism; see " + log);
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitReady(Process service, int port, Path log) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (System.nanoTime() < deadline) {
            assertTrue(service.isAlive(), "the service exited; see " + log);
            try {
                if (ServiceIT.get(http, port, "/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the service did not become ready in 90 s; see " + log);
    }

    /** Both output topics, read_committed, over SASL_SSL as the service's user. */
    private static List<String> consume(StreamingSettings.Topics topics, int n, Duration timeout) {
        Map<String, Object> p = scram();
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-secure-reader-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topics.trajectories(), topics.bands()));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                    out.add(r.topic() + " " + r.key() + " " + Base64.getEncoder().encodeToString(r.value()));
                }
            }
        }
        out.sort(null);
        return out;
    }
}
