package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.ThreadMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

import kafka.server.BrokerServer;

/**
 * Process-level faults on a real in-JVM KRaft broker ({@link TestBroker}), each injected while an inference batch is
 * surely in flight: the {@link GatedForecaster} holds calls behind a closed gate, and the test waits until a call
 * announces it is held before striking. Then: a kill -9 of the instance's JVM and a restart on the same state folder; a
 * restart of the broker while input flows; a second instance joining the group, which takes one of the two tasks over;
 * one of two instances closed (as in a rolling restart), the other taking its task over.
 * Each test feeds six aircraft on two partitions in four parts (before the fault; one that starts the held batch; one
 * processed and committed while it is held, so the batch has been in flight across a commit; one after the fault) and
 * compares everything the two output topics hold (read_committed) with what the same topology gives in a
 * TopologyTestDriver for the same input: the same records, each once. That the windows held at the fault come out,
 * and (kill, rebalance, leave) were computed again by the instance that owns them after it, is checked by name.
 */
class ProcessFaultsIT {
    private static final Spec SPEC = SpecLoader.bundled();
    /** event times a little in the past: inside every plausibility bound on the wall clock */
    private static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 20 * 60_000;
    private static final int AIRCRAFT = 6;
    private static final int SECONDS = 360;
    /** the input's parts: before the fault, one that starts the held batch, one while it is held, one after */
    private static final int PARTS = 4;
    private static final int EVERY_SECONDS = 6;
    private static final int PARTITIONS = 2;
    private static final Duration PATIENCE = Duration.ofSeconds(150);
    private static TestBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBroker.start();
    }

    @AfterAll
    static void stopBroker() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    static StreamingSettings.Topics topics(String prefix) {
        return new StreamingSettings.Topics(prefix + "-reports", prefix + "-trajectories", prefix + "-bands",
                prefix + "-dlq", prefix + "-failures");
    }

    /** The tests' settings (batches every 200 ms, no time budget) on the topics of {@code prefix}. */
    static StreamingSettings settings(String prefix) {
        return Fixtures.settings(SPEC).withTopics(topics(prefix));
    }

    private static String aircraft(int a) {
        return String.format("%06x", 0xfa0000 + a);
    }

    /** Input partition of an aircraft (the producer's default partitioner on the ICAO24 key). */
    private static int partition(String icao24) {
        return Utils.toPositive(Utils.murmur2(icao24.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
    }

    /** Input partition of a window's aircraft ({@link GatedForecaster#id}). */
    private static int partitionOf(String window) {
        return partition(window.substring(0, window.indexOf('@')));
    }

    private static void assertBothPartitionsUsed() {
        Set<Integer> used = new HashSet<>();
        for (int a = 0; a < AIRCRAFT; a++) {
            used.add(partition(aircraft(a)));
        }
        assertEquals(PARTITIONS, used.size(), "the aircraft use both input partitions");
    }

    /** Part {@code part} of the input, in time order: climbs and descents at rates that differ by aircraft. */
    private static List<SurveillanceReport> input(int part) {
        List<SurveillanceReport> out = new ArrayList<>();
        for (int s = part * SECONDS / PARTS; s < (part + 1) * SECONDS / PARTS; s += EVERY_SECONDS) {
            for (int a = 0; a < AIRCRAFT; a++) {
                double rate = (a % 2 == 0 ? 1 : -1) * (600 + 250 * a) * Math.cos(s / 200.0);
                double altitude = 9000 + a * 700 + (a % 2 == 0 ? 1 : -1) * (600 + 250 * a) * 200 / 60.0
                        * Math.sin(s / 200.0);
                out.add(Fixtures.report(aircraft(a), T0 + s * 1000L, altitude, rate));
            }
        }
        return out;
    }

    private static List<SurveillanceReport> wholeInput() {
        List<SurveillanceReport> all = new ArrayList<>();
        for (int part = 0; part < PARTS; part++) {
            all.addAll(input(part));
        }
        return all;
    }

    /** One output record as compared: topic, window ({@link GatedForecaster#id}) and the value's bytes. */
    private static String line(String topic, String icao24, long timestamp, byte[] value) {
        return topic + " " + GatedForecaster.id(icao24, timestamp) + " " + Base64.getEncoder().encodeToString(value);
    }

    private static String window(String line) {
        return line.split(" ")[1];
    }

    /** What the topology gives for the whole input without faults (one batch at the end: outputs do not depend on it). */
    private static List<String> expected(String prefix) throws IOException {
        StreamingSettings.Topics topics = topics(prefix);
        Properties props = Fixtures.driverProperties("expected-" + prefix);
        try (TopologyTestDriver driver = new TopologyTestDriver(ForecastTopology.build(settings(prefix), SPEC,
                new AltitudeDifferenceForecaster(), AvroFormat.singleObject(), StreamingMetrics.noop()), props)) {
            TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topics.input(), new ByteArraySerializer(),
                    new ByteArraySerializer());
            for (SurveillanceReport r : wholeInput()) {
                in.pipeInput(r.getIcao24().getBytes(StandardCharsets.UTF_8), Fixtures.bytes(r));
            }
            driver.advanceWallClockTime(Duration.ofSeconds(1));
            List<String> out = new ArrayList<>();
            for (String topic : List.of(topics.trajectories(), topics.bands())) {
                driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer())
                        .readRecordsToList().forEach(r -> out.add(line(topic, r.key(), r.timestamp(), r.value())));
            }
            out.sort(null);
            return out;
        }
    }

    private static void produce(List<SurveillanceReport> reports, String topic) {
        produce(reports, topic, Duration.ZERO);
    }

    /** Sends the reports in order, {@code pause} apart, with an idempotent producer (retries add no duplicates). */
    private static void produce(List<SurveillanceReport> reports, String topic, Duration pause) {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Replay.producerConfig(broker.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (SurveillanceReport r : reports) {
                p.send(new ProducerRecord<>(topic, null, r.getEventTime().toEpochMilli(), r.getIcao24(),
                        Fixtures.bytes(r)));
                if (!pause.isZero()) {
                    p.flush();
                    try {
                        Thread.sleep(pause.toMillis());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }
            p.flush();
        }
    }

    /** Reads both output topics from the start with isolation.level=read_committed. */
    private static final class Outputs implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<TopicPartition> partitions = new ArrayList<>();
        final List<String> lines = new ArrayList<>();

        Outputs(StreamingSettings.Topics topics) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            for (String topic : List.of(topics.trajectories(), topics.bands())) {
                for (int i = 0; i < PARTITIONS; i++) {
                    partitions.add(new TopicPartition(topic, i));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void poll() {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                lines.add(line(r.topic(), r.key(), r.timestamp(), r.value()));
            }
        }

        Set<String> windows() {
            return lines.stream().map(ProcessFaultsIT::window).collect(Collectors.toSet());
        }

        /** Reads until {@code done} holds; fails after {@link #PATIENCE}. */
        void until(Supplier<Boolean> done, Supplier<String> what) {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!done.get()) {
                assertTrue(System.nanoTime() < deadline, () -> "timed out waiting for " + what.get());
                poll();
            }
        }

        /** Everything committed (read to the last stable offsets, once no producer is left), sorted. */
        List<String> all() {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, Duration.ofSeconds(60));
            until(() -> ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()),
                    () -> "the end of the output topics " + ends);
            List<String> sorted = new ArrayList<>(lines);
            sorted.sort(null);
            return sorted;
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** The outputs are the fault-free ones, each once; the windows held at the fault are among them. */
    private static void assertNoLossNoDuplicate(List<String> expected, List<String> got, Collection<String> held) {
        Map<String, Long> counts = new TreeMap<>(got.stream().collect(Collectors.groupingBy(l -> l.split(" ")[0] + " "
                + window(l), Collectors.counting())));
        List<String> repeated = counts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        Set<String> gotWindows = got.stream().map(ProcessFaultsIT::window).collect(Collectors.toSet());
        List<String> lost = expected.stream().map(l -> l.split(" ")[0] + " " + window(l))
                .filter(k -> !counts.containsKey(k)).toList();
        assertTrue(repeated.isEmpty(), "duplicated outputs: " + repeated);
        assertTrue(lost.isEmpty(), "lost outputs: " + lost);
        assertEquals(expected.size(), got.size(), "output count");
        assertEquals(expected, got, "the outputs are those of a run without faults");
        assertFalse(held.isEmpty(), "a batch was in flight at the fault");
        assertTrue(gotWindows.containsAll(held), "the windows in flight at the fault came out");
    }

    /**
     * Waits until the application has committed (exactly-once: in a transaction with its outputs and state) every
     * input record produced so far: once this follows a held call's announcement, the held batch has been in flight
     * across at least one commit, so a lossy design (windows taken out of the pending store when their call starts)
     * would have committed their loss.
     */
    private static void awaitInputCommitted(String applicationId, String input) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int i = 0; i < PARTITIONS; i++) {
                latest.put(new TopicPartition(input, i), OffsetSpec.latest());
            }
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(60, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (true) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(applicationId,
                        new ListConsumerGroupOffsetsOptions().requireStable(true)).partitionsToOffsetAndMetadata()
                        .get(60, TimeUnit.SECONDS);
                if (ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue())) {
                    return;
                }
                assertTrue(System.nanoTime() < deadline, "timed out waiting for the input " + ends
                        + " to be committed: " + committed);
                Thread.sleep(100);
            }
        }
    }

    /** Window ids of the calls announced with {@code word} (held or ran). */
    private static List<String> windowsOf(List<String> announcements, String word) {
        List<String> out = new ArrayList<>();
        for (String a : announcements) {
            String[] words = a.split(" ");
            if (words[0].equals(word)) {
                out.addAll(List.of(words).subList(2, words.length));
            }
        }
        return out;
    }

    /** The complete lines of a file another JVM appends to (a line still being written is left for later). */
    private static List<String> readLines(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(text.substring(0, text.lastIndexOf('\n') + 1).split("\n")).stream()
                .filter(l -> !l.isEmpty()).toList();
    }

    private static void await(Supplier<Boolean> done, String what) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!done.get()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    /** Starts {@link FaultTestInstance#main} in its own JVM on the test class path. */
    private static Process launch(String prefix, Path state, Path calls, Path gate, Path log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), FaultTestInstance.class.getName(), broker.bootstrapServers(),
                prefix, state.toString(), prefix, calls.toString(), gate.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    @Test
    void killMinus9WithABatchInFlightThenRestartLosesAndRepeatsNothing() throws Exception {
        String prefix = "fault-kill";
        StreamingSettings.Topics topics = topics(prefix);
        TopicAdmin.ensure(broker.bootstrapServers(), topics, PARTITIONS, (short) 1);
        List<String> expected = expected(prefix);
        Path work = Files.createTempDirectory("fault-kill");
        Path state = work.resolve("state");
        Path gate = work.resolve("closed");
        Path firstCalls = work.resolve("first-calls");
        Path secondCalls = work.resolve("second-calls");
        Path log = work.resolve("instances.log");
        try (Outputs outputs = new Outputs(topics)) {
            produce(input(0), topics.input());
            Process first = launch(prefix, state, firstCalls, gate, log);
            List<String> held;
            try {
                outputs.until(() -> outputs.lines.size() >= 20, () -> "the first outputs (log: " + log + ")");
                Files.createFile(gate);
                produce(input(1), topics.input());
                await(() -> !windowsOf(readLines(firstCalls), GatedForecaster.HELD).isEmpty(),
                        "a held batch (log: " + log + ")");
                held = windowsOf(readLines(firstCalls), GatedForecaster.HELD);
                produce(input(2), topics.input());
                awaitInputCommitted(prefix, topics.input());
            } finally {
                first.destroyForcibly(); // SIGKILL: no commit, no clean shutdown, the held batch dies with the JVM
                first.waitFor(60, TimeUnit.SECONDS);
            }
            outputs.poll();
            assertTrue(outputs.windows().stream().noneMatch(held::contains), "held windows were not published");
            Files.delete(gate);
            produce(input(3), topics.input());
            Process second = launch(prefix, state, secondCalls, gate, log);
            try {
                Set<String> all = expected.stream().map(ProcessFaultsIT::window).collect(Collectors.toSet());
                outputs.until(() -> outputs.windows().containsAll(all), () -> "every output after the restart, missing "
                        + missing(all, outputs.windows()) + " (log: " + log + ")");
            } finally {
                second.destroy(); // SIGTERM: Kafka Streams closes and commits
                second.waitFor(90, TimeUnit.SECONDS);
            }
            assertNoLossNoDuplicate(expected, outputs.all(), held);
            assertTrue(windowsOf(readLines(secondCalls), GatedForecaster.RAN).containsAll(held),
                    "the restarted instance computed the windows that were in flight at the kill");
        }
    }

    private static Set<String> missing(Set<String> all, Set<String> seen) {
        Set<String> m = new HashSet<>(all);
        m.removeAll(seen);
        return m;
    }

    @Test
    void brokerRestartWithABatchInFlightLosesAndRepeatsNothing() throws Exception {
        String prefix = "fault-broker";
        StreamingSettings.Topics topics = topics(prefix);
        TopicAdmin.ensure(broker.bootstrapServers(), topics, PARTITIONS, (short) 1);
        List<String> expected = expected(prefix);
        AtomicBoolean closed = new AtomicBoolean();
        List<String> calls = new CopyOnWriteArrayList<>();
        List<String> held;
        try (Outputs outputs = new Outputs(topics); FaultTestInstance instance = FaultTestInstance.start(
                broker.bootstrapServers(), prefix, Files.createTempDirectory("fault-broker"), settings(prefix),
                new GatedForecaster(closed::get, calls::add))) {
            produce(input(0), topics.input());
            outputs.until(() -> outputs.lines.size() >= 20, () -> "the first outputs");
            closed.set(true);
            produce(input(1), topics.input());
            await(() -> !windowsOf(calls, GatedForecaster.HELD).isEmpty(), "a held batch");
            held = windowsOf(calls, GatedForecaster.HELD);
            // mid-stream: part 2 flows in, a record every 30 ms, while the broker goes down and comes back, so
            // transactions are open when it stops
            Thread paced = new Thread(() -> produce(input(2), topics.input(), Duration.ofMillis(30)), "paced-input");
            paced.start();
            Thread.sleep(1000);
            Collection<BrokerServer> servers = broker.cluster().brokers().values();
            servers.forEach(BrokerServer::shutdown);
            // the held batch finishes while the broker is down: its outputs and the pending windows' removal go into
            // a transaction that cannot commit until the broker is back (or is aborted on its timeout)
            closed.set(false);
            // longer than the transaction timeout (10 s under exactly-once): a transaction open at the stop is then
            // either committed by the producer's retries or aborted by the restarted coordinator (and its task
            // restored from the changelogs); either way nothing may be lost or repeated
            Thread.sleep(12_000);
            servers.forEach(BrokerServer::startup);
            paced.join(PATIENCE.toMillis());
            assertFalse(paced.isAlive(), "part 2 was produced");
            produce(input(3), topics.input());
            Set<String> all = expected.stream().map(ProcessFaultsIT::window).collect(Collectors.toSet());
            outputs.until(() -> outputs.windows().containsAll(all), () -> "every output after the broker restart, "
                    + "missing " + missing(all, outputs.windows()) + "; Kafka Streams " + instance.streams().state());
            instance.close();
            assertNoLossNoDuplicate(expected, outputs.all(), held);
        }
    }

    @Test
    void aSecondInstanceTakingATaskWithABatchInFlightLosesAndRepeatsNothing() throws Exception {
        String prefix = "fault-rebalance";
        StreamingSettings.Topics topics = topics(prefix);
        TopicAdmin.ensure(broker.bootstrapServers(), topics, PARTITIONS, (short) 1);
        assertBothPartitionsUsed();
        List<String> expected = expected(prefix);
        AtomicBoolean closed = new AtomicBoolean();
        List<String> firstCalls = new CopyOnWriteArrayList<>();
        List<String> secondCalls = new CopyOnWriteArrayList<>();
        List<String> movedHeld;
        try (Outputs outputs = new Outputs(topics); FaultTestInstance first = FaultTestInstance.start(
                broker.bootstrapServers(), prefix, Files.createTempDirectory("fault-first"), settings(prefix),
                new GatedForecaster(closed::get, firstCalls::add))) {
            produce(input(0), topics.input());
            outputs.until(() -> outputs.lines.size() >= 20, () -> "the first outputs");
            closed.set(true);
            produce(input(1), topics.input());
            // both tasks hold a batch, so whichever moves has one in flight
            await(() -> windowsOf(firstCalls, GatedForecaster.HELD).stream()
                    .map(ProcessFaultsIT::partitionOf).distinct().count() == PARTITIONS,
                    "a held batch in both tasks");
            List<String> held = windowsOf(firstCalls, GatedForecaster.HELD);
            produce(input(2), topics.input());
            awaitInputCommitted(prefix, topics.input());
            try (FaultTestInstance second = FaultTestInstance.start(broker.bootstrapServers(), prefix,
                    Files.createTempDirectory("fault-second"), settings(prefix),
                    new GatedForecaster(() -> false, secondCalls::add))) {
                await(() -> !activePartitions(second.streams()).isEmpty()
                        && second.streams().state() == KafkaStreams.State.RUNNING
                        && first.streams().state() == KafkaStreams.State.RUNNING,
                        "a task moved to the second instance");
                Set<Integer> moved = activePartitions(second.streams());
                assertEquals(1, moved.size(), "the second instance took one of the two tasks");
                assertTrue(activePartitions(first.streams()).stream().noneMatch(moved::contains), "the task left the first");
                movedHeld = held.stream().filter(w -> moved.contains(partitionOf(w))).toList();
                closed.set(false); // the first instance's held batches finish; the moved task's is no longer its own
                produce(input(3), topics.input());
                Set<String> all = expected.stream().map(ProcessFaultsIT::window).collect(Collectors.toSet());
                outputs.until(() -> outputs.windows().containsAll(all), () -> "every output after the rebalance, "
                        + "missing " + missing(all, outputs.windows()));
            }
            first.close();
            assertNoLossNoDuplicate(expected, outputs.all(), movedHeld);
            assertTrue(windowsOf(secondCalls, GatedForecaster.RAN).containsAll(movedHeld),
                    "the second instance computed the moved task's windows that were in flight on the first");
        }
    }

    @Test
    void anInstanceLeavingWithABatchInFlightLosesAndRepeatsNothing() throws Exception {
        String prefix = "fault-leave";
        StreamingSettings.Topics topics = topics(prefix);
        TopicAdmin.ensure(broker.bootstrapServers(), topics, PARTITIONS, (short) 1);
        assertBothPartitionsUsed();
        List<String> expected = expected(prefix);
        AtomicBoolean closed = new AtomicBoolean();
        List<String> leavingCalls = new CopyOnWriteArrayList<>();
        List<String> stayingCalls = new CopyOnWriteArrayList<>();
        List<String> held;
        try (Outputs outputs = new Outputs(topics); FaultTestInstance staying = FaultTestInstance.start(
                broker.bootstrapServers(), prefix, Files.createTempDirectory("fault-staying"), settings(prefix),
                new GatedForecaster(() -> false, stayingCalls::add))) {
            try (FaultTestInstance leaving = FaultTestInstance.start(broker.bootstrapServers(), prefix,
                    Files.createTempDirectory("fault-leaving"), settings(prefix),
                    new GatedForecaster(closed::get, leavingCalls::add))) {
                await(() -> activePartitions(staying.streams()).size() == 1
                        && activePartitions(leaving.streams()).size() == 1
                        && staying.streams().state() == KafkaStreams.State.RUNNING
                        && leaving.streams().state() == KafkaStreams.State.RUNNING, "one task on each instance");
                produce(input(0), topics.input());
                outputs.until(() -> outputs.lines.size() >= 20, () -> "the first outputs");
                closed.set(true);
                produce(input(1), topics.input());
                await(() -> !windowsOf(leavingCalls, GatedForecaster.HELD).isEmpty(), "a held batch");
                held = windowsOf(leavingCalls, GatedForecaster.HELD);
                produce(input(2), topics.input());
                awaitInputCommitted(prefix, topics.input());
            } // a graceful close (a rolling restart's): Kafka Streams commits and leaves the group, the held call stays
            await(() -> activePartitions(staying.streams()).size() == PARTITIONS
                    && staying.streams().state() == KafkaStreams.State.RUNNING, "the remaining instance takes both tasks");
            produce(input(3), topics.input());
            Set<String> all = expected.stream().map(ProcessFaultsIT::window).collect(Collectors.toSet());
            outputs.until(() -> outputs.windows().containsAll(all), () -> "every output after the instance left, "
                    + "missing " + missing(all, outputs.windows()));
            staying.close();
            assertNoLossNoDuplicate(expected, outputs.all(), held);
            assertTrue(windowsOf(stayingCalls, GatedForecaster.RAN).containsAll(held),
                    "the remaining instance computed the windows that were in flight on the one that left");
        }
    }

    private static Set<Integer> activePartitions(KafkaStreams streams) {
        Set<Integer> out = new HashSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                task.topicPartitions().forEach(tp -> out.add(tp.partition()));
            }
        }
        return out;
    }
}
