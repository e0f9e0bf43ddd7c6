package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * examples/python/consume_bands.py, with Debian's python3-confluent-kafka and python3-avro, reads the bands the
 * topology wrote (single-object Avro, and the JSON output option) from a real broker and prints what Java decodes
 * ({@link RecordJson}) and what {@code bin/forecaster tail} ({@link TopicTail}) prints. Skipped, saying why, without
 * /usr/bin/python3 or those packages ({@code bin/test} installs them where it may use apt).
 */
class PythonConsumerIT {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final StreamingSettings SETTINGS = Fixtures.settings(SPEC);
    private static final String PYTHON = "/usr/bin/python3";
    private static final Path EXAMPLE = Path.of("examples/python/consume_bands.py");
    private final ObjectMapper mapper = new ObjectMapper();

    /** The bands the topology writes for three climbing aircraft, with callsigns and positions. */
    private static List<TestRecord<String, byte[]>> bands(AvroFormat format) throws IOException {
        Properties props = Fixtures.driverProperties("sigma-vrate-python-it");
        try (TopologyTestDriver driver = new TopologyTestDriver(ForecastTopology.build(SETTINGS, SPEC,
                new AltitudeDifferenceForecaster(), format, StreamingMetrics.noop()), props,
                Instant.ofEpochMilli(Fixtures.T0 + 3_600_000))) {
            TestInputTopic<byte[], byte[]> input = driver.createInputTopic(SETTINGS.topics().input(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            String[] aircraft = {"3c6586", "4ca7b5", "a1b2c3"};
            for (int s = 0; s <= 15; s += 5) {
                for (int a = 0; a < aircraft.length; a++) {
                    SurveillanceReport r = Fixtures.climbing(aircraft[a], Fixtures.T0 + s * 1000L);
                    r.setCallsign(a == 2 ? null : "DLH" + a + "X");
                    r.setLatitudeDeg(48.0 + a + s / 1000.0);
                    input.pipeInput(aircraft[a].getBytes(StandardCharsets.UTF_8), Fixtures.bytes(r));
                }
            }
            driver.advanceWallClockTime(Duration.ofMillis(SETTINGS.batchEveryMillis()));
            return driver.createOutputTopic(SETTINGS.topics().bands(), new StringDeserializer(),
                    new ByteArrayDeserializer()).readRecordsToList();
        }
    }

    private static String pythonMissing() throws Exception {
        if (!Files.isExecutable(Path.of(PYTHON))) {
            return PYTHON + " is missing";
        }
        Process p = new ProcessBuilder(PYTHON, "-c", "import avro, confluent_kafka").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor() == 0 ? null
                : "python3-avro or python3-confluent-kafka missing (apt-get install python3-avro python3-confluent-kafka): "
                        + out.strip();
    }

    private List<JsonNode> python(String bootstrap, String topic, int max) throws Exception {
        Path errors = Files.createTempFile("consume_bands", ".err");
        Process p = new ProcessBuilder(PYTHON, EXAMPLE.toString(), "--bootstrap", bootstrap, "--topic", topic,
                "--max", Integer.toString(max)).redirectError(errors.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the example ends after --max records");
        assertEquals(0, p.exitValue(), out + Files.readString(errors));
        Files.delete(errors);
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank()) {
                lines.add(mapper.readTree(line));
            }
        }
        return lines;
    }

    /** The same tree whichever way its numbers were written (Jackson keeps int and long nodes apart). */
    private JsonNode normalized(JsonNode node) throws IOException {
        return mapper.readTree(mapper.writeValueAsString(node));
    }

    @Test
    void thePythonExampleDecodesTheSingleObjectAndTheJsonBandsAsJavaDoes() throws Exception {
        String missing = pythonMissing();
        assumeTrue(missing == null, () -> "skipped: " + missing);
        List<TestRecord<String, byte[]>> avro = bands(AvroFormat.singleObject());
        List<TestRecord<String, byte[]>> json = bands(AvroFormat.singleObject().withJsonOutputs());
        assertEquals(6, avro.size(), "three aircraft, triggered at 5 and 15 s");
        assertEquals(avro.size(), json.size());
        try (TestBroker broker = TestBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(new NewTopic("bands-avro", 2, (short) 1),
                        new NewTopic("bands-json", 2, (short) 1))).all().get(60, TimeUnit.SECONDS);
            }
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                for (int i = 0; i < avro.size(); i++) {
                    // the same partition for a record and its JSON twin: the i-th of each partition match
                    int partition = avro.get(i).key().hashCode() & 1;
                    producer.send(new ProducerRecord<>("bands-avro", partition, avro.get(i).timestamp(),
                            avro.get(i).key().getBytes(StandardCharsets.UTF_8), avro.get(i).value()));
                    producer.send(new ProducerRecord<>("bands-json", partition, json.get(i).timestamp(),
                            json.get(i).key().getBytes(StandardCharsets.UTF_8), json.get(i).value()));
                }
            }
            List<ConsumerRecord<byte[], byte[]>> written = read(bootstrap, "bands-avro", avro.size());
            RecordJson java = new RecordJson();
            List<JsonNode> fromAvro = python(bootstrap, "bands-avro", avro.size());
            List<JsonNode> fromJson = python(bootstrap, "bands-json", json.size());
            assertEquals(avro.size(), fromAvro.size());
            assertEquals(json.size(), fromJson.size());
            for (ConsumerRecord<byte[], byte[]> r : written) {
                JsonNode expected = java.record(r);
                assertEquals("avro-single-object", expected.get("encoding").asText());
                assertEquals("org.sigmavrate.avro.v1.DensityBands", expected.get("schema").asText());
                JsonNode py = find(fromAvro, r.partition(), r.offset());
                assertEquals("avro-single-object", py.get("encoding").asText());
                assertEquals(expected.get("key"), py.get("key"));
                assertEquals(r.timestamp(), py.get("timestamp").asLong());
                assertEquals(normalized(expected.get("value")), normalized(py.get("value")),
                        "partition " + r.partition() + " offset " + r.offset());
                JsonNode twin = find(fromJson, r.partition(), r.offset());
                assertEquals("json", twin.get("encoding").asText());
                assertEquals(normalized(expected.get("value")), normalized(twin.get("value")), "the JSON twin");
            }
            // bin/forecaster tail prints the same lines, with the headers and the schema's name
            ByteArrayOutputStream tailed = new ByteArrayOutputStream();
            try (PrintStream out = new PrintStream(tailed, true, StandardCharsets.UTF_8)) {
                assertEquals(avro.size(), new TopicTail(bootstrap, "bands-avro", true, avro.size(), 0).run(out));
            }
            List<JsonNode> tail = new ArrayList<>();
            for (String line : tailed.toString(StandardCharsets.UTF_8).split("\n")) {
                tail.add(mapper.readTree(line));
            }
            for (JsonNode line : tail) {
                JsonNode py = find(fromAvro, line.get("partition").asInt(), line.get("offset").asLong());
                assertEquals(normalized(py.get("value")), normalized(line.get("value")));
                assertEquals("bands-avro", line.get("topic").asText());
                assertEquals("org.sigmavrate.avro.v1.DensityBands", line.get("schema").asText());
            }
            JsonNode first = java.record(written.get(0)).get("value");
            assertTrue(first.get("steps").size() > 1 && first.has("callsign"), first.toString());
        }
    }

    private static JsonNode find(List<JsonNode> lines, int partition, long offset) {
        return lines.stream().filter(l -> l.get("partition").asInt() == partition && l.get("offset").asLong() == offset)
                .findFirst().orElseThrow(() -> new AssertionError("no line for " + partition + "/" + offset));
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(String bootstrap, String topic, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0), new TopicPartition(topic, 1));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertEquals(n, out.size());
        return out;
    }
}
