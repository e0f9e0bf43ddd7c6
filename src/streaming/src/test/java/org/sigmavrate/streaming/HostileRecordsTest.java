package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sigmavrate.streaming.CommittedRecords.header;
import static org.sigmavrate.streaming.CommittedRecords.latestReport;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

/**
 * Fault tier: hostile records from a plain producer against the real topology on a real broker, exactly-once as in
 * production, the topics with Kafka 4's limits (a timestamp at most 1 h ahead, 1 MiB messages). Each hostile record
 * lands in the dead-letter topic with its reason, the stream thread never dies, and two good aircraft (one keyed by
 * another key, so re-partitioned, past garbage written straight into the re-partition topic) keep getting forecasts
 * for the reports sent after the hostile ones, on the same single partition.
 */
class HostileRecordsTest {
    private static final Spec SPEC = SpecLoader.bundled();
    /** how long an expected output may take to appear on a topic */
    private static final Duration PATIENCE = Duration.ofSeconds(45);
    private static final String APP = "hostile";
    private static final StreamingSettings.Topics TOPICS = new StreamingSettings.Topics("hostile-reports",
            "hostile-trajectories", "hostile-bands", "hostile-dlq", "hostile-failures");
    /** Kafka 4's defaults, set explicitly: the broker refuses a timestamp more than 1 h ahead */
    private static final Map<String, String> LIMITS = Map.of("message.timestamp.after.max.ms", "3600000",
            "max.message.bytes", "1048588");

    private static byte[] bytes(SurveillanceReport r) {
        return Fixtures.bytes(r);
    }

    /** A report of an aircraft climbing at 1500 ft/min from 3000 ft at {@code base}. */
    private static SurveillanceReport climbing(String icao24, long time, long base) {
        return Fixtures.report(icao24, time, 3000 + 25 * (time - base) / 1000.0, 1500.0);
    }

    /** The hostile records, by key, and the reason each must be dead-lettered with. */
    private static Map<String, byte[]> hostile(long now, Map<String, String> reasons) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        long day = 24 * 3_600_000L;
        out.put("future-30-days", bytes(climbing("3c6586", now + 30 * day, now)));
        reasons.put("future-30-days", "future");
        out.put("past-30-days", bytes(climbing("3c6586", now - 30 * day, now - 30 * day)));
        reasons.put("past-30-days", "too-old");
        out.put("past-1999", bytes(climbing("3c6586", 915_148_800_000L, 915_148_800_000L)));
        reasons.put("past-1999", "out-of-range");
        SurveillanceReport nan = climbing("3c6586", now - 60_000, now - 120_000);
        nan.setLatitudeDeg(Double.NaN);
        out.put("nan-latitude", bytes(nan));
        SurveillanceReport inf = climbing("3c6586", now - 60_000, now - 120_000);
        inf.setBaroAltitudeFt(Double.POSITIVE_INFINITY);
        out.put("infinite-altitude", bytes(inf));
        SurveillanceReport minusInf = climbing("3c6586", now - 60_000, now - 120_000);
        minusInf.setVerticalRateFpm(Double.NEGATIVE_INFINITY);
        out.put("minus-infinite-rate", bytes(minusInf));
        for (String k : List.of("nan-latitude", "infinite-altitude", "minus-infinite-rate")) {
            reasons.put(k, "out-of-range");
        }
        SurveillanceReport callsign = climbing("3c6586", now - 60_000, now - 120_000);
        callsign.setCallsign("C".repeat(70_000));
        out.put("huge-callsign", bytes(callsign));
        SurveillanceReport source = climbing("3c6586", now - 60_000, now - 120_000);
        source.setDataSource("\u00e9".repeat(40_000));
        out.put("huge-data-source", bytes(source));
        reasons.put("huge-callsign", "too-long");
        reasons.put("huge-data-source", "too-long");
        out.put("declares-2-gb", BadRecordsTest.declaringString(2_000_000_000L));
        reasons.put("declares-2-gb", "undecodable");
        byte[] random = new byte[200];
        new Random(11).nextBytes(random);
        random[0] = 0x42;
        out.put("random-bytes", random);
        reasons.put("random-bytes", "undecodable");
        out.put("empty", new byte[0]);
        reasons.put("empty", "empty");
        out.put("tombstone", null);
        reasons.put("tombstone", "empty");
        byte[] wrong = bytes(climbing("3c6586", now - 60_000, now - 120_000));
        wrong[5] ^= 0x5a;
        out.put("wrong-fingerprint", wrong);
        reasons.put("wrong-fingerprint", "wrong-schema");
        SurveillanceReport near = climbing("3c6586", now - 60_000, now - 120_000);
        near.setDataSource("n".repeat(1_040_000));
        out.put("near-max-size", bytes(near));
        reasons.put("near-max-size", "too-long");
        return out;
    }

    @Test
    void everyHostileRecordIsDeadLetteredWithItsReasonAndOtherAircraftKeepTheirForecasts() throws Exception {
        try (TestBroker broker = TestBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                List<NewTopic> topics = new ArrayList<>();
                for (String t : List.of(TOPICS.input(), TOPICS.trajectories(), TOPICS.bands(), TOPICS.deadLetter(),
                        TOPICS.forecastFailures())) {
                    topics.add(new NewTopic(t, 1, (short) 1).configs(LIMITS));
                }
                admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
            }
            StreamingMetrics metrics = StreamingMetrics.noop();
            StreamingSettings settings = Fixtures.settings(SPEC).withTopics(TOPICS);
            Properties props = TestBroker.streamsProperties(bootstrap, APP);
            props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipAndCountHandler.class.getName());
            props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipAndCountHandler.class.getName());
            props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, SkipAndCountHandler.class.getName());
            List<Throwable> died = Collections.synchronizedList(new ArrayList<>());
            double skippedBefore = metrics.count("sigmavrate.records.skipped", "handler", "deserialization");
            try (KafkaStreams streams = new KafkaStreams(ForecastTopology.build(settings, SPEC,
                    new AltitudeDifferenceForecaster(), AvroFormat.singleObject(), metrics), props)) {
                streams.setUncaughtExceptionHandler(e -> {
                    died.add(e);
                    return StreamThreadExceptionResponse.REPLACE_THREAD;
                });
                streams.start();
                long testStart = System.currentTimeMillis();
                long base = testStart - 5 * 60_000;
                Map<String, String> reasons = new HashMap<>();
                Map<String, byte[]> hostile = hostile(testStart, reasons);
                Map<String, Integer> originalLength = new HashMap<>();
                hostile.forEach((k, v) -> originalLength.put(k, v == null ? 0 : v.length));

                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2_000_000);
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    sendGood(producer, base, 0, 30);
                    for (Map.Entry<String, byte[]> h : hostile.entrySet()) {
                        producer.send(new ProducerRecord<>(TOPICS.input(), utf8(h.getKey()), h.getValue())).get();
                    }
                    // garbage straight into the internal re-partition topic: its deserialization handler skips it
                    producer.send(new ProducerRecord<>(APP + "-" + ForecastTopology.REKEY + "-repartition",
                            utf8("a1b2c3"), new byte[] {2, 0, 0, 0, 0x7f, 1})).get();
                    sendGood(producer, base, 35, 90);
                }

                List<ConsumerRecord<String, byte[]>> dead = CommittedRecords.until(bootstrap, TOPICS.deadLetter(),
                        records -> records.stream().map(ConsumerRecord::key).distinct().count() >= hostile.size(),
                        PATIENCE);
                // nothing good among them: the bands of the last good reports (triggers at 5, 15, ... 85 s) were
                // sent after every hostile one
                CommittedRecords.until(bootstrap, TOPICS.bands(),
                        records -> latestReport(records, "4ca7b5") >= base + 85_000, PATIENCE);
                Map<String, ConsumerRecord<String, byte[]>> byKey = new HashMap<>();
                dead.forEach(r -> byKey.put(r.key(), r));
                assertEquals(hostile.size(), dead.size(), "one dead letter each: " + byKey.keySet());
                for (String key : hostile.keySet()) {
                    ConsumerRecord<String, byte[]> r = byKey.get(key);
                    assertNotNull(r, key + " is dead-lettered");
                    assertEquals(reasons.get(key), header(r, ReportDecoder.REASON_HEADER), key);
                    assertNotNull(header(r, ReportDecoder.DETAIL_HEADER), key);
                    assertNotNull(header(r, ReportDecoder.ORIGINAL_TIMESTAMP_HEADER), key);
                    assertTrue(r.timestamp() >= testStart && r.timestamp() <= System.currentTimeMillis(),
                            key + ": timestamped with the wall clock, " + r.timestamp());
                    if (!key.equals("near-max-size")) {
                        assertEquals(originalLength.get(key), r.value() == null ? 0 : r.value().length,
                                key + ": the original bytes");
                    }
                }
                ConsumerRecord<String, byte[]> near = byKey.get("near-max-size");
                assertEquals(Integer.toString(originalLength.get("near-max-size")),
                        header(near, ReportDecoder.TRUNCATED_HEADER));
                assertTrue(near.value().length < 1_000_000 && near.value().length > 900_000, "" + near.value().length);
                assertTrue(header(byKey.get("declares-2-gb"), ReportDecoder.DETAIL_HEADER).contains("runs past"));

                // both good aircraft are forecast from the reports sent after the hostile ones
                long after = base + 35_000;
                List<ConsumerRecord<String, byte[]>> bands = CommittedRecords.until(bootstrap, TOPICS.bands(),
                        records -> latestReport(records, "4ca7b5") >= base + 85_000
                                && latestReport(records, "a1b2c3") >= base + 85_000, PATIENCE);
                assertTrue(latestReport(bands, "4ca7b5") >= after);
                assertTrue(latestReport(bands, "a1b2c3") >= after, "re-partitioned past the garbage");

                assertEquals(List.of(), died, "no stream thread died");
                assertEquals(KafkaStreams.State.RUNNING, streams.state());
                double deadLettered = metrics.registry().find("sigmavrate.dead.lettered").counters().stream()
                        .mapToDouble(c -> c.count()).sum();
                assertEquals(hostile.size(), deadLettered, 0.0);
                assertEquals(1.0, metrics.count("sigmavrate.records.skipped", "handler", "deserialization")
                        - skippedBefore, 0.0, "the re-partition topic's garbage, skipped and counted");
            }
        }
    }

    /** Two good aircraft climbing, reports every 5 s: one keyed by its ICAO24, one by another key. */
    private static void sendGood(KafkaProducer<byte[], byte[]> producer, long base, int fromSeconds, int toSeconds)
            throws Exception {
        for (int s = fromSeconds; s <= toSeconds; s += 5) {
            producer.send(new ProducerRecord<>(TOPICS.input(), utf8("4ca7b5"),
                    bytes(climbing("4ca7b5", base + s * 1000L, base))));
            producer.send(new ProducerRecord<>(TOPICS.input(), utf8("feed-7"),
                    bytes(climbing("a1b2c3", base + s * 1000L, base))));
        }
        producer.flush();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
