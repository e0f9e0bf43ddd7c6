package org.sigmavrate.tools.loadbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.PersistenceForecaster;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.CommittedRecords;
import org.sigmavrate.streaming.StreamingSettings;
import org.sigmavrate.streaming.TestBroker;

/**
 * Scale-out on a real broker: two instances of the service (the load bench's {@link ServiceInstance}, the topology
 * with the service's default settings, exactly-once) share one application id over a 4-partition input. Each runs a
 * non-empty set of the input's partitions, the two sets disjoint and together all of them; 16 aircraft, each sending
 * two reports (one window each: a flight triggers from its second report), are each forecast exactly once, by the
 * instance that holds the aircraft's partition.
 */
class TwoInstancesTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final int PARTITIONS = 4;
    private static final int AIRCRAFT = 16;
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void twoInstancesSplitThePartitionsAndForecastEachAircraftOnce() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            StreamingSettings.Topics topics = new StreamingSettings.Topics("two-in", "two-traj", "two-bands",
                    "two-dlq", "two-failures");
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                List<NewTopic> newTopics = new ArrayList<>();
                for (String t : List.of(topics.input(), topics.trajectories(), topics.bands(), topics.deadLetter(),
                        topics.forecastFailures())) {
                    newTopics.add(new NewTopic(t, PARTITIONS, (short) 1));
                }
                admin.createTopics(newTopics).all().get(60, TimeUnit.SECONDS);
            }
            StreamingSettings settings = ConfiguredSettings.streaming(ConfigDefaults.forecaster(), SPEC)
                    .withTopics(topics);
            PersistenceForecaster forecaster = new PersistenceForecaster();
            List<ServiceInstance> instances = new ArrayList<>();
            try {
                for (int i = 1; i <= 2; i++) {
                    instances.add(new ServiceInstance(i, settings, SPEC, forecaster, 1, props(bootstrap)));
                }
                for (ServiceInstance i : instances) {
                    i.awaitRunning();
                }
                awaitAllPartitionsAssigned(instances);
                Set<Integer> first = instances.get(0).inputPartitions();
                Set<Integer> second = instances.get(1).inputPartitions();
                assertFalse(first.isEmpty(), "instance 1 runs some partitions");
                assertFalse(second.isEmpty(), "instance 2 runs some partitions");
                Set<Integer> both = new HashSet<>(first);
                both.retainAll(second);
                assertTrue(both.isEmpty(), "no partition on both: " + first + " " + second);
                Set<Integer> all = new TreeSet<>(first);
                all.addAll(second);
                assertEquals(Set.of(0, 1, 2, 3), all);

                Map<String, Integer> partitionOf = send(bootstrap, topics.input());
                List<ConsumerRecord<String, byte[]>> bands = bandsOfEveryAircraft(bootstrap, topics.bands());
                Map<String, Integer> perAircraft = new HashMap<>();
                bands.forEach(r -> perAircraft.merge(r.key(), 1, Integer::sum));
                assertEquals(AIRCRAFT, perAircraft.size(), "every aircraft forecast: " + perAircraft.keySet());
                perAircraft.forEach((k, n) -> assertEquals(1, n, k + ": one bands record"));

                Map<String, Integer> forecastBy = new HashMap<>();
                for (ServiceInstance inst : instances) {
                    for (List<ObservedWindow> batch : inst.recording.recentBatches()) {
                        for (ObservedWindow w : batch) {
                            Integer before = forecastBy.put(w.icao24(), inst.index);
                            assertEquals(null, before, w.icao24() + ": forecast once, by one instance");
                        }
                    }
                }
                assertEquals(AIRCRAFT, forecastBy.size());
                Set<Integer> partitionsWithAircraft = new TreeSet<>(partitionOf.values());
                assertTrue(partitionsWithAircraft.size() >= 2, "the keys spread: " + partitionOf);
                for (var e : forecastBy.entrySet()) {
                    int p = partitionOf.get(e.getKey());
                    Set<Integer> owner = e.getValue() == 1 ? first : second;
                    assertTrue(owner.contains(p), e.getKey() + " (partition " + p + ") forecast by instance "
                            + e.getValue() + " which runs " + owner);
                }
                assertTrue(forecastBy.containsValue(1) && forecastBy.containsValue(2),
                        "both instances forecast some aircraft: " + forecastBy);
                assertEquals(instances.get(0).windows() + instances.get(1).windows(), AIRCRAFT);
            } finally {
                for (ServiceInstance i : instances) {
                    i.close();
                }
            }
        }
    }

    private static Properties props(String bootstrap) throws Exception {
        Properties p = TestBroker.streamsProperties(bootstrap, "two-instances");
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /** Both instances run and between them hold every input partition (the group has settled). */
    private static void awaitAllPartitionsAssigned(List<ServiceInstance> instances) throws InterruptedException {
        long deadline = System.currentTimeMillis() + PATIENCE.toMillis();
        while (System.currentTimeMillis() < deadline) {
            Set<Integer> all = new TreeSet<>();
            int total = 0;
            for (ServiceInstance i : instances) {
                all.addAll(i.inputPartitions());
                total += i.inputPartitions().size();
            }
            if (all.size() == PARTITIONS && total == PARTITIONS) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Two reports 5 s apart per aircraft, keyed by ICAO24; the input partition each aircraft went to. */
    private static Map<String, Integer> send(String bootstrap, String topic) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        var serializer = AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer();
        Map<String, Integer> partitionOf = new HashMap<>();
        long base = System.currentTimeMillis() - 30_000;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            for (int second : new int[] {0, 5}) {
                for (int a = 0; a < AIRCRAFT; a++) {
                    String icao24 = MultiplexedFlights.icao24(a);
                    long t = base + second * 1000L;
                    SurveillanceReport r = SurveillanceReport.newBuilder().setIcao24(icao24)
                            .setEventTime(Instant.ofEpochMilli(t)).setLatitudeDeg(48.35).setLongitudeDeg(11.78)
                            .setBaroAltitudeFt(12_000.0 + 25 * second).setVerticalRateFpm(1500.0)
                            .setVerticalRateSource(org.sigmavrate.avro.v1.VerticalRateSource.BAROMETRIC)
                            .setGroundSpeedKt(250.0).setTrackDeg(90.0).setOnGround(false).setDataSource("test")
                            .build();
                    RecordMetadata md = producer.send(new ProducerRecord<>(topic, null, t, icao24,
                            serializer.serialize(topic, r))).get();
                    partitionOf.put(icao24, md.partition());
                }
            }
        }
        return partitionOf;
    }

    /** The committed bands records once every aircraft has one, and then a little longer (duplicates would show). */
    private static List<ConsumerRecord<String, byte[]>> bandsOfEveryAircraft(String bootstrap, String topic) {
        return CommittedRecords.until(bootstrap, topic,
                out -> out.stream().map(ConsumerRecord::key).distinct().count() >= AIRCRAFT, PATIENCE,
                Duration.ofSeconds(2));
    }
}
