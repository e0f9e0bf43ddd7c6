package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/** The topology against the Apache Kafka image; runs where Docker exists and is skipped cleanly elsewhere. */
@Testcontainers(disabledWithoutDocker = true)
class KafkaContainerIT {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.2");

    @Test
    void reportsInBandsOutOnTheApacheKafkaImage() throws Exception {
        StreamingSettings settings = ConfiguredSettings.streaming(ConfigDefaults.forecaster(), SpecLoader.bundled());
        TopicAdmin.ensure(KAFKA.getBootstrapServers(), settings.topics(), 2, (short) 1);
        Properties props = TestBroker.streamsProperties(KAFKA.getBootstrapServers(), "tc");
        try (KafkaStreams streams = new KafkaStreams(ForecastTopology.build(settings, SpecLoader.bundled(),
                new AltitudeDifferenceForecaster(), AvroFormat.singleObject(), StreamingMetrics.noop()), props)) {
            streams.start();
            long t0 = System.currentTimeMillis() - 600_000;
            try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Replay.producerConfig(KAFKA.getBootstrapServers()),
                    new StringSerializer(), new ByteArraySerializer())) {
                for (int s = 0; s < 60; s += 10) {
                    SurveillanceReport r = Fixtures.report("3c6586", t0 + s * 1000L, 3000.0 + s * 25, 1472.0);
                    p.send(new ProducerRecord<>(settings.topics().input(), "3c6586", Fixtures.bytes(r)));
                }
            }
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.getBootstrapServers());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "tc-reader");
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<String> got = new ArrayList<>();
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(settings.topics().bands()));
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (got.isEmpty() && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(500)).forEach(r -> got.add(r.key()));
                }
            }
            assertTrue(got.contains("3c6586"), "density bands arrived");
        }
    }
}
