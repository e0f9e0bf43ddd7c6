package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.sigmavrate.avro.v1.DensityBands;

/** Reads what a topic holds, committed only (read_committed), as a downstream consumer of the outputs would. */
public final class CommittedRecords {
    private CommittedRecords() {
    }

    /** Every partition of {@code topic} from its beginning, until {@code done} holds; fails after {@code patience}. */
    static List<ConsumerRecord<String, byte[]>> until(String bootstrap, String topic,
            Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration patience) {
        return until(bootstrap, topic, done, patience, Duration.ZERO);
    }

    /**
     * As {@link #until(String, String, Predicate, Duration)}, reading on for {@code settle} once {@code done} holds:
     * what should not come (a duplicate, a record too many) has that long to show.
     */
    public static List<ConsumerRecord<String, byte[]>> until(String bootstrap, String topic,
            Predicate<List<ConsumerRecord<String, byte[]>>> done, Duration patience, Duration settle) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).collect(Collectors.toList());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.currentTimeMillis() + patience.toMillis();
            while (!done.test(out) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            long settleUntil = System.currentTimeMillis() + settle.toMillis();
            while (done.test(out) && System.currentTimeMillis() < settleUntil) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertTrue(done.test(out), topic + ": not all there in " + patience.toSeconds() + " s (" + out.size()
                + " records, keys " + out.stream().map(ConsumerRecord::key).distinct().collect(Collectors.toList())
                + ")");
        return out;
    }

    /** The latest report time that the bands of {@code icao24} among {@code bands} were made from; -1: none. */
    static long latestReport(List<ConsumerRecord<String, byte[]>> bands, String icao24) {
        var de = AvroFormat.singleObjectSerde(DensityBands.class).deserializer();
        return bands.stream().filter(r -> icao24.equals(r.key()))
                .mapToLong(r -> de.deserialize("t", r.value()).getLastReportTime().toEpochMilli()).max().orElse(-1);
    }

    /** A header's value as text; null when the record has none of that name. */
    static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
