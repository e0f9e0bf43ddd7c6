package org.sigmavrate.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.StreamingSettings;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;

/**
 * What the dashboard shows: the latest bands of every aircraft any instance forecasts, read from the bands topic by a
 * plain consumer of this instance (read_committed, every partition assigned, no consumer group), so one instance's
 * page sees the whole fleet and not just the aircraft of its own tasks. It starts with the first dashboard request
 * (an instance nobody looks at reads nothing) from the last {@link #WARM_START_RECORDS} records of each partition, so a
 * page opened on a running service is not empty until the next forecasts. Holds at most {@link #MAX_AIRCRAFT}
 * aircraft, the least recently updated going first; a tombstone (an expired aircraft) removes one.
 */
@Singleton
public class DashboardFeed {
    private static final Logger LOG = Logger.getLogger(DashboardFeed.class);
    static final int WARM_START_RECORDS = 200;
    static final int MAX_AIRCRAFT = 1000;

    @Inject
    StreamingSettings settings;
    @Inject
    AvroFormat format;
    @Inject
    Config config;

    private final AtomicBoolean started = new AtomicBoolean();
    private final BroadcastProcessor<AircraftSummary> updates = BroadcastProcessor.create();
    /** icao24 → latest, in update order (access order off: a read must not make an aircraft look fresh) */
    private final LinkedHashMap<String, Latest> latest = new LinkedHashMap<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean stopping;
    private Thread thread;

    /** The latest bands of one aircraft with the summary the list shows; bands as Avro JSON. */
    record Latest(AircraftSummary summary, String bandsJson) {
    }

    /** Starts reading once. */
    void start() {
        if (started.compareAndSet(false, true)) {
            thread = new Thread(this::run, "dashboard-feed");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Every new summary, as it arrives; a subscriber that falls behind misses those it has no room for (the
     * aircraft's next update, or the page's reload of the list when its events reconnect, brings them back).
     */
    Multi<AircraftSummary> updates() {
        start();
        return updates.onOverflow().drop();
    }

    /** The aircraft now known, most recently updated first. */
    List<AircraftSummary> aircraft() {
        start();
        List<AircraftSummary> out = new ArrayList<>();
        synchronized (latest) {
            latest.values().forEach(l -> out.add(l.summary()));
        }
        out.sort(Comparator.comparingLong(AircraftSummary::receivedAt).reversed());
        return out;
    }

    Optional<String> bands(String icao24) {
        start();
        synchronized (latest) {
            return Optional.ofNullable(latest.get(icao24)).map(Latest::bandsJson);
        }
    }

    private void run() {
        String topic = settings.topics().bands();
        Deserializer<DensityBands> decode = format.serde(DensityBands.class).deserializer();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(consumerConfig(), new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = awaitPartitions(c, topic);
            if (partitions.isEmpty()) {
                return;
            }
            c.assign(partitions);
            Map<TopicPartition, Long> begin = c.beginningOffsets(partitions);
            c.endOffsets(partitions).forEach((tp, end) -> c.seek(tp, Math.max(begin.get(tp), end - WARM_START_RECORDS)));
            LOG.infof("dashboard: reading %s (%d partitions) from the last %d records of each", topic,
                    partitions.size(), WARM_START_RECORDS);
            while (!stopping) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(1))) {
                    accept(r, decode);
                }
            }
        } catch (WakeupException stopped) {
            // closing
        } catch (RuntimeException e) {
            LOG.warn("dashboard: the bands consumer stopped; the page shows no new forecasts", e);
        }
    }

    private void accept(ConsumerRecord<String, byte[]> r, Deserializer<DensityBands> decode) {
        if (r.key() == null) {
            return;
        }
        if (r.value() == null) {
            synchronized (latest) {
                latest.remove(r.key());
            }
            return;
        }
        DensityBands bands;
        try {
            bands = decode.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            LOG.debugf("dashboard: unreadable bands record at %s-%d@%d: %s", r.topic(), r.partition(), r.offset(), e);
            return;
        }
        AircraftSummary summary = AircraftSummary.of(bands, System.currentTimeMillis());
        synchronized (latest) {
            latest.remove(r.key());
            latest.put(r.key(), new Latest(summary, ForecastResource.toJson(bands)));
            while (latest.size() > MAX_AIRCRAFT) {
                latest.remove(latest.keySet().iterator().next());
            }
        }
        updates.onNext(summary);
    }

    private List<TopicPartition> awaitPartitions(KafkaConsumer<String, byte[]> c, String topic) {
        while (!stopping) {
            try {
                List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
            } catch (org.apache.kafka.common.errors.TimeoutException notYet) {
                // the broker is not there yet
            }
            try {
                Thread.sleep(1000); // the topic is not there yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return List.of();
            }
        }
        return List.of();
    }

    /**
     * The broker and its security as Kafka Streams has them: {@code kafka.bootstrap.servers} and the
     * {@code kafka-streams.} keys for security ({@code security.protocol}, {@code sasl.*}, {@code ssl.*}).
     */
    private Properties consumerConfig() {
        Properties p = new Properties();
        Map<String, String> streams = new HashMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("kafka-streams.")) {
                String key = name.substring("kafka-streams.".length());
                if (key.equals("security.protocol") || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                    config.getOptionalValue(name, String.class).ifPresent(v -> streams.put(key, v));
                }
            }
        }
        p.putAll(streams);
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.getValue("kafka.bootstrap.servers", String.class));
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "sigma-vrate-dashboard");
        // a record as soon as it is committed: the page's latency, not the consumer's batching
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        return p;
    }

    @PreDestroy
    void stop() {
        stopping = true;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        updates.onComplete();
        if (thread != null) {
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
