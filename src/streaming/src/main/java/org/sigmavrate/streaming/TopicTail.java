package org.sigmavrate.streaming;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Prints a topic's records as JSON lines ({@link RecordJson}): {@code bin/forecaster tail}. Committed records only,
 * every partition assigned, in no consumer group (nothing committed, no rebalance to wait for).
 *
 * @param fromBeginning from each partition's first record; false: only records written from now on
 * @param max           stop after this many records; 0: never
 * @param idleExitMs    stop when no record came for this long; 0: never
 */
public record TopicTail(String bootstrap, String topic, boolean fromBeginning, long max, long idleExitMs) {

    /** @return the records printed; -1 when the topic does not exist */
    public long run(PrintStream out) throws JsonProcessingException {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sigma-vrate-tail");
        RecordJson json = new RecordJson();
        ObjectMapper mapper = new ObjectMapper();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            if (partitions.isEmpty()) {
                return -1;
            }
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            long printed = 0;
            long lastRecord = System.nanoTime();
            while (max <= 0 || printed < max) {
                boolean any = false;
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    out.println(mapper.writeValueAsString(json.record(r)));
                    any = true;
                    if (++printed == max) {
                        break;
                    }
                }
                out.flush();
                if (any) {
                    lastRecord = System.nanoTime();
                } else if (idleExitMs > 0 && System.nanoTime() - lastRecord > idleExitMs * 1_000_000L) {
                    break;
                }
            }
            return printed;
        }
    }
}
