package org.sigmavrate.tools.loadbench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the density bands (read_committed) on its own thread and keeps, for each record, the wall time it was read
 * and its end-to-end latency: that time minus the record's timestamp, the event time of the report that triggered
 * it, which the generator stamped with the same clock.
 */
final class BandsReader {
    /** {receivedAt, latency} in milliseconds; synchronized: steps read it while this thread appends. */
    private final List<long[]> latencies = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    BandsReader(String bootstrap, String topic) {
        this.thread = new Thread(() -> read(bootstrap, topic), "lb-bands");
    }

    void start() {
        thread.start();
    }

    void stop() {
        running.set(false);
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    List<long[]> latencies() {
        return latencies;
    }

    private void read(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "lb-bands-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    latencies.add(new long[] {now, now - r.timestamp()});
                }
            }
        }
    }
}
