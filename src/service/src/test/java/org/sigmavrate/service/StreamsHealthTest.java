package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BooleanSupplier;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.streaming.TestBroker;

/**
 * The service's liveness and readiness signals on real Kafka Streams clients and a real broker: a record that fails
 * its stream thread every time it is read (the thread replaced each time, the client never leaving RUNNING or
 * REBALANCING, so the extension's liveness check stays UP) turns the project's liveness check DOWN; a store restored
 * from its changelog keeps readiness DOWN while it restores.
 */
class StreamsHealthTest {
    private static TestBroker broker;

    @BeforeAll
    static void start() throws Exception {
        broker = TestBroker.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("poison-in", 1, (short) 1), new NewTopic("restore-in", 1,
                    (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static Properties streamsConfig(String applicationId) throws Exception {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("health-state").toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        // a replaced thread's new member waits for the failed one's session to expire: the broker's least
        p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6_000);
        return p;
    }

    private static void produce(String topic, int n) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, String.format("%06x", i), "v" + i));
            }
            producer.flush();
        }
    }

    private static void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " not within " + timeout);
            Thread.sleep(100);
        }
    }

    @Test
    void aRecordThatFailsItsThreadEveryTimeTurnsLivenessDown() throws Exception {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("poison-in", Consumed.with(Serdes.String(), Serdes.String())).foreach((k, v) -> {
            throw new IllegalStateException("cannot process " + k);
        });
        // a limit of 1 (the service's default is 3): each failure costs a session timeout before the replacement runs
        StreamThreadFailures failures = new StreamThreadFailures(1, Duration.ofMinutes(5), System::nanoTime);
        StreamThreadsLiveness liveness = new StreamThreadsLiveness();
        liveness.failures = failures;
        List<KafkaStreams.State> states = Collections.synchronizedList(new ArrayList<>());
        try (KafkaStreams streams = new KafkaStreams(builder.build(), streamsConfig("poison"))) {
            streams.setUncaughtExceptionHandler(failures);
            streams.setStateListener((now, before) -> states.add(now));
            streams.start();
            await(() -> streams.state() == KafkaStreams.State.RUNNING, Duration.ofSeconds(60), "RUNNING");
            assertEquals(HealthCheckResponse.Status.UP, liveness.call().getStatus(), "live before the poison record");
            produce("poison-in", 1);
            await(failures::looping, Duration.ofSeconds(120), "more than 1 thread failure");
            HealthCheckResponse down = liveness.call();
            assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus(), down.getData().toString());
            assertTrue(streams.state().isRunningOrRebalancing(), "the client itself still looks alive ("
                    + streams.state() + "): the extension's check, which reads that, cannot see the loop");
            assertFalse(states.contains(KafkaStreams.State.ERROR), "threads are replaced, never the client stopped");
        }
    }

    /** A store rebuilt from its changelog (state folder wiped): every restored batch finds readiness DOWN. */
    @Test
    void readinessIsDownWhileAStoreRestores() throws Exception {
        int keys = 20_000;
        produce("restore-in", keys);
        Topology topology = countsByKey();
        Properties config = streamsConfig("restore");
        try (KafkaStreams first = new KafkaStreams(topology, config)) {
            first.start();
            await(() -> first.state() == KafkaStreams.State.RUNNING && count(first) == keys, Duration.ofSeconds(90),
                    "every key counted");
        }
        StateRestorations restorations = new StateRestorations();
        List<HealthCheckResponse> duringBatches = Collections.synchronizedList(new ArrayList<>());
        List<String> ended = Collections.synchronizedList(new ArrayList<>());
        try (KafkaStreams second = new KafkaStreams(countsByKey(), config)) {
            second.cleanUp(); // the local state is gone: the store comes back from its changelog topic
            second.setGlobalStateRestoreListener(new StateRestoreListener() {
                @Override
                public void onRestoreStart(TopicPartition p, String store, long start, long end) {
                    restorations.onRestoreStart(p, store, start, end);
                }

                @Override
                public void onBatchRestored(TopicPartition p, String store, long batchEnd, long restored) {
                    restorations.onBatchRestored(p, store, batchEnd, restored);
                    duringBatches.add(StreamsRunningReadiness.check(second.state(), restorations.active()));
                }

                @Override
                public void onRestoreEnd(TopicPartition p, String store, long total) {
                    restorations.onRestoreEnd(p, store, total);
                    ended.add(store + " " + total);
                }
            });
            second.start();
            await(() -> StreamsRunningReadiness.check(second.state(), restorations.active()).getStatus()
                    == HealthCheckResponse.Status.UP, Duration.ofSeconds(90), "ready after the restoration");
            assertEquals(List.of("counts " + keys), ended, "one restoration of every key");
            assertFalse(duringBatches.isEmpty(), "batches restored");
            for (HealthCheckResponse r : duringBatches) {
                assertEquals(HealthCheckResponse.Status.DOWN, r.getStatus(), r.getData().toString());
                assertEquals(1L, r.getData().orElseThrow().get("restoring_stores"));
            }
            assertEquals(keys, count(second), "the restored store");
        }
    }

    private static Topology countsByKey() {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("restore-in", Consumed.with(Serdes.String(), Serdes.String())).groupByKey()
                .count(Materialized.as("counts"));
        return builder.build();
    }

    private static long count(KafkaStreams streams) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType("counts",
                    QueryableStoreTypes.<String, Long>keyValueStore())).approximateNumEntries();
        } catch (RuntimeException notQueryableYet) {
            return -1;
        }
    }
}
