package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.streaming.ApicurioRegistryExtension.ApicurioRegistry;

/**
 * Registry mode end to end: the packaged service with {@code forecaster.serialization=registry} against a real
 * Apicurio Registry (child JVM, Java 21+) and a real broker. Reports go in through the registry serde; the bands that
 * come out are in Confluent's wire format, decode with the registry serde to what the single-object topology gives
 * for the same input, and {@code /forecasts/{icao24}} answers with each aircraft's last of them (the latest-bands
 * store is written and read with the registry serde too).
 */
@ExtendWith(ApicurioRegistryExtension.class)
class RegistryIT {
    private static TestBroker cluster;

    @BeforeAll
    static void startBroker() throws Exception {
        cluster = ServiceIT.startCluster();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void registrySerdeInBandsOutAndTheRestQueryReadsTheStore(ApicurioRegistry registry) throws Exception {
        StreamingSettings.Topics topics = ServiceIT.topics("it-registry");
        TopicAdmin.ensure(cluster.bootstrapServers(), topics, 2, (short) 1);
        List<SurveillanceReport> input = ServiceIT.input(4, 300);
        List<String> expected = expectedBands(input, topics);
        AvroFormat format = AvroFormat.registry(Map.of("apicurio.registry.url", registry.url()));
        int port = ServiceIT.freePort();
        Path log = Files.createTempFile("serve-registry", ".log");
        Process service = ServiceIT.serve(cluster.bootstrapServers(), topics, "it-registry",
                Files.createTempDirectory("state"), port, log,
                List.of("-Dforecaster.serialization=registry", "-Dapicurio.registry.url=" + registry.url()));
        try {
            try (KafkaProducer<String, SurveillanceReport> p = new KafkaProducer<>(
                    Replay.producerConfig(cluster.bootstrapServers()), new StringSerializer(),
                    format.serde(SurveillanceReport.class).serializer())) {
                for (SurveillanceReport r : input) {
                    p.send(new ProducerRecord<>(topics.input(), null, r.getEventTime().toEpochMilli(), r.getIcao24(), r));
                }
            }
            List<ConsumerRecord<String, byte[]>> out = consumeBands(topics.bands(), expected.size(), Duration.ofSeconds(90));
            Deserializer<DensityBands> bands = format.serde(DensityBands.class).deserializer();
            List<String> got = new ArrayList<>();
            Map<String, DensityBands> last = new HashMap<>();
            for (ConsumerRecord<String, byte[]> r : out) {
                assertEquals(0, r.value()[0], "Confluent wire format: magic byte 0, then the schema id (log: " + log + ")");
                DensityBands b = bands.deserialize(r.topic(), r.value());
                got.add(b.toString());
                last.put(r.key(), b); // one partition per key: the topic's order is the store's
            }
            got.sort(null);
            assertEquals(expected, got, "the registry-mode bands are the single-object topology's (log: " + log + ")");
            assertFalse(last.isEmpty(), "bands came out");
            HttpClient http = HttpClient.newHttpClient();
            for (Map.Entry<String, DensityBands> e : last.entrySet()) {
                HttpResponse<String> r = ServiceIT.get(http, port, "/forecasts/" + e.getKey());
                assertEquals(200, r.statusCode(), r.body());
                assertEquals(json(e.getValue()), r.body(), "the latest bands of " + e.getKey());
            }
        } finally {
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** The bands (as text) the topology gives for this input in single-object mode. */
    private static List<String> expectedBands(List<SurveillanceReport> input, StreamingSettings.Topics topics)
            throws IOException {
        Deserializer<DensityBands> singleObject = AvroFormat.singleObjectSerde(DensityBands.class).deserializer();
        List<String> bands = new ArrayList<>();
        for (String line : ServiceIT.expected(input, topics)) {
            String[] topicKeyValue = line.split(" ");
            if (topicKeyValue[0].equals(topics.bands())) {
                bands.add(singleObject.deserialize(topics.bands(), Base64.getDecoder().decode(topicKeyValue[2])).toString());
            }
        }
        bands.sort(null);
        return bands;
    }

    /** Reads the bands topic with read_committed until {@code n} records or the timeout, then a little longer. */
    private static List<ConsumerRecord<String, byte[]>> consumeBands(String topic, int n, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "it-registry-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < n && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
            // duplicates would show up here
            long settle = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < settle) {
                c.poll(Duration.ofMillis(500)).forEach(out::add);
            }
        }
        return out;
    }

    /** DensityBands in Avro's JSON encoding, as /forecasts answers. */
    private static String json(DensityBands bands) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JsonEncoder encoder = EncoderFactory.get().jsonEncoder(DensityBands.getClassSchema(), out);
        new SpecificDatumWriter<>(DensityBands.class).write(bands, encoder);
        encoder.flush();
        return out.toString(StandardCharsets.UTF_8);
    }
}
