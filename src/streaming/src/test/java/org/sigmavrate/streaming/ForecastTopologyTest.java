package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.forecast.Seeds;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

class ForecastTopologyTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final StreamingSettings SETTINGS = Fixtures.settings(SPEC);
    private static final StreamingSettings.Topics TOPICS = SETTINGS.topics();
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    /** One driver with its topics and metrics. */
    private final class Harness {
        final StreamingMetrics metrics = StreamingMetrics.noop();
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> input;
        final TestOutputTopic<String, byte[]> trajectories;
        final TestOutputTopic<String, byte[]> bands;
        final TestOutputTopic<String, byte[]> dead;

        Harness(StreamingSettings settings) {
            Properties props = Fixtures.driverProperties("sigma-vrate-test");
            driver = new TopologyTestDriver(ForecastTopology.build(settings, SPEC, new AltitudeDifferenceForecaster(),
                    AvroFormat.singleObject(), metrics), props, Instant.ofEpochMilli(Fixtures.T0 + 3_600_000));
            drivers.add(driver);
            input = driver.createInputTopic(TOPICS.input(), new ByteArraySerializer(), new ByteArraySerializer());
            trajectories = driver.createOutputTopic(TOPICS.trajectories(), new StringDeserializer(), new ByteArrayDeserializer());
            bands = driver.createOutputTopic(TOPICS.bands(), new StringDeserializer(), new ByteArrayDeserializer());
            dead = driver.createOutputTopic(TOPICS.deadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
        }

        Harness() {
            this(SETTINGS);
        }

        void send(String key, SurveillanceReport r) {
            input.pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8), Fixtures.bytes(r));
        }

        void flush() {
            driver.advanceWallClockTime(Duration.ofMillis(SETTINGS.batchEveryMillis()));
        }
    }

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
    }

    private static long t(int seconds) {
        return Fixtures.T0 + seconds * 1000L;
    }

    private static List<InfilledTrajectory> trajectories(List<KeyValue<String, byte[]>> records) {
        return records.stream().map(kv -> AvroFormat.singleObjectSerde(InfilledTrajectory.class).deserializer()
                .deserialize("t", kv.value)).collect(Collectors.toList());
    }

    private static DensityBands bands(byte[] bytes) {
        return AvroFormat.singleObjectSerde(DensityBands.class).deserializer().deserialize("t", bytes);
    }

    @Test
    void dueFlightsAreBatchedIntoOneCallAndPublishedOnBothTopics() {
        Harness h = new Harness();
        String[] aircraft = {"3c6586", "4ca7b5", "a1b2c3"};
        for (int s = 0; s <= 55; s += 5) {
            for (String a : aircraft) {
                h.send(a, Fixtures.climbing(a, t(s)));
            }
        }
        assertTrue(h.trajectories.isEmpty(), "nothing is sent before the batch runs");
        h.flush();
        List<KeyValue<String, byte[]>> trajectories = h.trajectories.readKeyValuesToList();
        List<KeyValue<String, byte[]>> bands = h.bands.readKeyValuesToList();
        // triggers at 5, 15, 25, 35, 45, 55 s for each of the three aircraft
        assertEquals(18, trajectories.size());
        assertEquals(18, bands.size());
        var batches = h.metrics.registry().find("sigmavrate.batch.windows").summary();
        assertEquals(1, batches.count(), "one inference call");
        assertEquals(18, batches.totalAmount(), 0.0);
        InfilledTrajectory last = trajectories(trajectories).get(17);
        assertEquals("a1b2c3", trajectories.get(17).key);
        assertEquals("baseline-altitude-difference", last.getModelId());
        assertEquals(SPEC.sha256(), last.getSpecHash());
        // a 55-s-old flight: its window starts at its first report (step 0 at t(0)) and ends at 55 s + 120 s (step 18)
        assertEquals(19, last.getSteps().size());
        assertEquals(Instant.ofEpochMilli(t(0)), last.getSteps().get(0).getTime());
        assertEquals(t(55), last.getLastReportTime().toEpochMilli());
        Instant end = last.getSteps().get(18).getTime();
        assertTrue(!end.isBefore(Instant.ofEpochMilli(t(55) + 120_000)), "the window reaches the horizon: " + end);
        assertTrue(last.getSteps().get(18).getVerticalRate().getEstimate() > 1000, "forecast continues the climb");
        DensityBands b = bands(bands.get(17).value);
        assertEquals(19, b.getSteps().size());
        assertEquals(b.getQuantileLevels().size(), b.getSteps().get(0).getAltitude().getQuantiles().size());
        assertEquals(Seeds.of(b.getFlightId(), b.getGridStart().toEpochMilli()), last.getSeed());
        assertTrue(b.getFlightId().startsWith("a1b2c3-20230601T120000Z"));
    }

    @Test
    void bothOutputsCarryTheAircraftsLatestCallsignPositionAndDataSource() {
        Harness h = new Harness();
        for (int s = 0; s <= 15; s += 5) {
            // the callsign appears at 5 s, the aircraft moves; a report of 12 s comes late after the one of 15 s
            SurveillanceReport r = Fixtures.climbing("3c6586", t(s));
            r.setCallsign(s >= 5 ? "DLH4AB" : null);
            r.setLatitudeDeg(48.0 + s / 100.0);
            r.setLongitudeDeg(11.0 + s / 100.0);
            h.send("3c6586", r);
        }
        SurveillanceReport late = Fixtures.climbing("3c6586", t(12));
        late.setCallsign("LATE1");
        late.setLatitudeDeg(1.0);
        late.setLongitudeDeg(2.0);
        h.send("3c6586", late);
        // the next window's trigger: a report without callsign or position keeps the known ones
        SurveillanceReport bare = Fixtures.climbing("3c6586", t(25));
        bare.setLatitudeDeg(null);
        bare.setLongitudeDeg(null);
        h.send("3c6586", bare);
        SurveillanceReport unplaced = Fixtures.climbing("4ca7b5", t(0));
        unplaced.setLatitudeDeg(null);
        unplaced.setLongitudeDeg(null);
        for (int s = 0; s <= 5; s += 5) {
            unplaced.setEventTime(Instant.ofEpochMilli(t(s)));
            h.send("4ca7b5", unplaced);
        }
        h.flush();
        Map<String, DensityBands> bands = new HashMap<>();
        h.bands.readKeyValuesToList().forEach(kv -> bands.put(kv.key, bands(kv.value)));
        Map<String, InfilledTrajectory> trajectories = new HashMap<>();
        List<KeyValue<String, byte[]>> written = h.trajectories.readKeyValuesToList();
        List<InfilledTrajectory> decoded = trajectories(written);
        for (int i = 0; i < written.size(); i++) {
            trajectories.put(written.get(i).key, decoded.get(i));
        }
        DensityBands b = bands.get("3c6586");
        InfilledTrajectory w = trajectories.get("3c6586");
        assertEquals(t(25), b.getLastReportTime().toEpochMilli());
        for (Object[] fields : List.of(
                new Object[] {b.getCallsign(), b.getLastLatitudeDeg(), b.getLastLongitudeDeg(), b.getDataSource()},
                new Object[] {w.getCallsign(), w.getLastLatitudeDeg(), w.getLastLongitudeDeg(), w.getDataSource()})) {
            assertEquals(List.of("DLH4AB", 48.15, 11.15, "test"), List.of(fields), "the latest report's, not the late one's");
        }
        DensityBands nowhere = bands.get("4ca7b5");
        assertNull(nowhere.getCallsign());
        assertNull(nowhere.getLastLatitudeDeg());
        assertNull(nowhere.getLastLongitudeDeg());
        assertEquals("test", nowhere.getDataSource());
    }

    @Test
    void theLatestBandsStoreHoldsEachAircraftsLastBandsDecodedByTheTopicsSerde() {
        Harness h = new Harness();
        String[] aircraft = {"3c6586", "4ca7b5"};
        for (int s = 0; s <= 35; s += 5) {
            for (String a : aircraft) {
                h.send(a, Fixtures.climbing(a, t(s)));
            }
        }
        h.flush();
        Map<String, DensityBands> lastOnTopic = new HashMap<>();
        h.bands.readKeyValuesToList().forEach(kv -> lastOnTopic.put(kv.key, bands(kv.value)));
        assertEquals(2, lastOnTopic.size());
        // typed: the store decodes with the serde it was declared with, as /forecasts reads it
        KeyValueStore<String, DensityBands> latest = h.driver.getKeyValueStore(ForecastTopology.LATEST_STORE);
        for (String a : aircraft) {
            assertEquals(lastOnTopic.get(a), latest.get(a), a);
        }
        assertNull(latest.get("000000"));
    }

    @Test
    void lateAndOutOfOrderReportsWithinGraceAreUsedOthersCountedAndDropped() {
        Harness h = new Harness();
        h.send("3c6586", Fixtures.climbing("3c6586", t(0)));
        h.send("3c6586", Fixtures.climbing("3c6586", t(100)));
        h.send("3c6586", Fixtures.report("3c6586", t(60), 4444.0, 1472.0)); // 40 s late: used
        h.send("3c6586", Fixtures.climbing("3c6586", t(20))); // 80 s late: dropped
        h.send("3c6586", Fixtures.climbing("3c6586", t(110))); // triggers
        h.flush();
        List<InfilledTrajectory> out = trajectories(h.trajectories.readKeyValuesToList());
        assertEquals(2, out.size());
        InfilledTrajectory w = out.get(1);
        long start = w.getGridStart().toEpochMilli();
        int step60 = (int) ((t(60) - start) / 10_000);
        assertEquals(4444.0, w.getSteps().get(step60).getAltitude().getObservedValue(), 0.0);
        int step20 = (int) ((t(20) - start) / 10_000);
        assertTrue(!w.getSteps().get(step20).getAltitude().getObserved(), "the dropped report is not in the window");
        assertEquals(1.0, h.metrics.count("sigmavrate.late.dropped", null, null), 0.0);
    }

    @Test
    void badInputGoesToTheDeadLetterTopicWithItsReasonAndTheStreamGoesOn() {
        Harness h = new Harness();
        h.input.pipeInput("3c6586".getBytes(StandardCharsets.UTF_8), new byte[] {1, 2, 3, 4});
        DensityBands other = new DensityBands("3c6586", "x", "m", "s", Instant.EPOCH, 10_000, Instant.EPOCH, List.of(), List.of(),
                null, null, null, null, null);
        h.input.pipeInput("3c6586".getBytes(StandardCharsets.UTF_8),
                AvroFormat.singleObjectSerde(DensityBands.class).serializer().serialize("t", other));
        h.send("3c6586", Fixtures.report("3c6586", t(0), 3000.0, 99_999.0));
        h.send("3c6586", Fixtures.report("3c6586", t(0), 3000.0, Double.NaN));
        h.send("3c6586", Fixtures.climbing("3c6586", t(7 * 3600)));
        h.send("xyz", Fixtures.climbing("xyz", t(0)));
        h.send("3c6586", Fixtures.climbing("3c6586", t(0)));
        h.send("3c6586", Fixtures.climbing("3c6586", t(10)));
        h.flush();
        List<TestRecord<String, byte[]>> dead = h.dead.readRecordsToList();
        List<String> reasons = dead.stream()
                .map(r -> new String(r.headers().lastHeader(ReportDecoder.REASON_HEADER).value(), StandardCharsets.UTF_8))
                .collect(Collectors.toList());
        assertEquals(List.of("undecodable", "wrong-schema", "out-of-range", "out-of-range", "future", "bad-icao24"), reasons);
        assertArrayEquals(new byte[] {1, 2, 3, 4}, dead.get(0).value(), "the original bytes are kept");
        assertTrue(new String(dead.get(2).headers().lastHeader(ReportDecoder.DETAIL_HEADER).value(), StandardCharsets.UTF_8)
                .contains("vertical_rate_fpm"));
        assertEquals(1.0, h.metrics.count("sigmavrate.dead.lettered", "reason", "wrong-schema"), 0.0);
        assertEquals(1, h.trajectories.readKeyValuesToList().size(), "valid reports after bad ones still flow");
    }

    @Test
    void reportsKeyedOtherwiseAreReKeyedByIcao24() {
        Harness h = new Harness();
        h.send("some-producer-key", Fixtures.climbing("3C6586", t(0)));
        h.send(null, Fixtures.climbing("3c6586", t(10)));
        h.flush();
        List<KeyValue<String, byte[]>> out = h.bands.readKeyValuesToList();
        assertEquals(1, out.size());
        assertEquals("3c6586", out.get(0).key);
    }

    @Test
    void aLongSilenceStartsANewFlightSegment() {
        Harness h = new Harness();
        h.send("3c6586", Fixtures.climbing("3c6586", t(0)));
        h.send("3c6586", Fixtures.climbing("3c6586", t(10)));
        h.send("3c6586", Fixtures.climbing("3c6586", t(20 * 60)));
        h.send("3c6586", Fixtures.climbing("3c6586", t(20 * 60 + 10)));
        h.flush();
        List<InfilledTrajectory> out = trajectories(h.trajectories.readKeyValuesToList());
        assertEquals(List.of("3c6586-20230601T120000Z", "3c6586-20230601T122000Z"),
                out.stream().map(InfilledTrajectory::getFlightId).collect(Collectors.toList()));
    }

    @Test
    void unreadableFlightStateStartsTheAircraftAfreshInsteadOfBlindingIt() {
        Harness h = new Harness();
        KeyValueStore<String, byte[]> flights = h.driver.getKeyValueStore(ForecastTopology.FLIGHTS_STORE);
        flights.put("3c6586", new byte[] {99, 1, 2, 3});
        h.send("3c6586", Fixtures.climbing("3c6586", t(0)));
        h.send("3c6586", Fixtures.climbing("3c6586", t(10)));
        h.flush();
        List<InfilledTrajectory> out = trajectories(h.trajectories.readKeyValuesToList());
        assertEquals(List.of("3c6586-20230601T120000Z"),
                out.stream().map(InfilledTrajectory::getFlightId).collect(Collectors.toList()));
        assertEquals(1.0, h.metrics.count("sigmavrate.state.reset", "reason", "unreadable-flight-state"), 1e-9);
    }

    @Test
    void unreadablePendingWindowsAreDroppedInsteadOfStoppingEveryFlush() {
        Harness h = new Harness();
        KeyValueStore<String, byte[]> pending = h.driver.getKeyValueStore(ForecastTopology.PENDING_STORE);
        pending.put("3c6586", new byte[] {99, 1, 2, 3});
        pending.put("4ca7b5", new byte[] {99, 1, 2, 3});
        h.send("3c6586", Fixtures.climbing("3c6586", t(0)));
        h.send("3c6586", Fixtures.climbing("3c6586", t(10)));
        h.flush();
        assertEquals(List.of("3c6586"), h.bands.readKeyValuesToList().stream().map(kv -> kv.key)
                .collect(Collectors.toList()), "the aircraft is forecast, and the flush is not stopped by 4ca7b5");
        assertNull(pending.get("4ca7b5"));
        assertEquals(2.0, h.metrics.count("sigmavrate.state.reset", "reason", "unreadable-pending-windows"), 1e-9);
    }

    @Test
    void aFlightBackFromASilenceIsForecastAtOnceWhileAReportAheadOfEveryAircraftIsHeld() {
        Harness h = new Harness();
        String steady = "4ca7b5";
        String sparse = "3c6586";
        for (int s = 0; s <= 110; s += 10) {
            h.send(steady, Fixtures.climbing(steady, t(s)));
            if (s <= 10) {
                h.send(sparse, Fixtures.climbing(sparse, t(s)));
            }
        }
        h.flush();
        h.bands.readKeyValuesToList();
        // 90 s of silence, more than the 60-s grace: the other aircraft vouch for the time, so it is used at once
        h.send(sparse, Fixtures.climbing(sparse, t(100)));
        h.flush();
        assertEquals(List.of(t(100)), lastReports(h, sparse), "back from a silence: forecast at once");
        // 5 minutes ahead of every aircraft: a bad clock, held, not forecast
        h.send(sparse, Fixtures.climbing(sparse, t(400)));
        h.flush();
        assertEquals(List.of(), lastReports(h, sparse), "a report ahead of every aircraft waits");
    }

    private static List<Long> lastReports(Harness h, String icao24) {
        return h.bands.readKeyValuesToList().stream().filter(kv -> kv.key.equals(icao24))
                .map(kv -> bands(kv.value).getLastReportTime().toEpochMilli()).collect(Collectors.toList());
    }

    /** Many aircraft, irregular sparse reports, some out of order. */
    private static List<SurveillanceReport> traffic() {
        List<SurveillanceReport> out = new ArrayList<>();
        java.util.Random random = new java.util.Random(7);
        for (int s = 0; s < 900; s += 1 + random.nextInt(20)) {
            for (int a = 0; a < 5; a++) {
                int jitter = random.nextInt(10) == 0 ? -random.nextInt(30) : 0;
                out.add(Fixtures.climbing(String.format("%06x", 0xa00000 + a), t(Math.max(0, s + jitter))));
            }
        }
        return out;
    }

    private static List<String> run(List<SurveillanceReport> input, int flushEvery, Harness h) {
        List<String> out = new ArrayList<>();
        int n = 0;
        for (SurveillanceReport r : input) {
            h.send(r.getIcao24(), r);
            if (++n % flushEvery == 0) {
                h.flush();
            }
        }
        h.flush();
        for (KeyValue<String, byte[]> kv : h.trajectories.readKeyValuesToList()) {
            out.add(kv.key + " T " + java.util.Base64.getEncoder().encodeToString(kv.value));
        }
        for (KeyValue<String, byte[]> kv : h.bands.readKeyValuesToList()) {
            out.add(kv.key + " B " + java.util.Base64.getEncoder().encodeToString(kv.value));
        }
        out.sort(null);
        return out;
    }

    @Test
    void outputsAreDeterministicWhateverTheBatching() {
        List<SurveillanceReport> input = traffic();
        List<String> oneByOne = run(input, 1, new Harness());
        List<String> allAtOnce = run(input, Integer.MAX_VALUE, new Harness());
        assertTrue(oneByOne.size() > 100, "outputs: " + oneByOne.size());
        assertEquals(oneByOne, allAtOnce);
    }

    @Test
    void aRestartFromTheStoresGivesTheSameOutputsAsAnUninterruptedRun() {
        List<SurveillanceReport> input = traffic();
        List<String> uninterrupted = run(input, 7, new Harness());

        Harness first = new Harness();
        int half = input.size() / 2;
        List<String> before = run(input.subList(0, half), 7, first);
        // the crash: nothing but the stores survives (no flush of pending windows either)
        Harness second = new Harness();
        for (String store : List.of(ForecastTopology.FLIGHTS_STORE, ForecastTopology.PENDING_STORE, ForecastTopology.LATEST_STORE)) {
            // bytes or typed values (the latest bands), copied as they are
            KeyValueStore<String, Object> from = first.driver.getKeyValueStore(store);
            KeyValueStore<String, Object> to = second.driver.getKeyValueStore(store);
            try (KeyValueIterator<String, Object> it = from.all()) {
                it.forEachRemaining(kv -> to.put(kv.key, kv.value));
            }
        }
        List<String> after = run(input.subList(half, input.size()), 7, second);
        List<String> restarted = new ArrayList<>(before);
        restarted.addAll(after);
        restarted.sort(null);
        assertEquals(uninterrupted, restarted);
    }

    @Test
    void overCapacityTheLeastChangedFlightsWaitAndAreCounted() {
        StreamingSettings small = SETTINGS.withBatch(2, 0);
        Harness h = new Harness(small);
        for (int a = 0; a < 4; a++) {
            String icao = String.format("%06x", 0xb00000 + a);
            h.send(icao, Fixtures.climbing(icao, t(0)));
            h.send(icao, Fixtures.climbing(icao, t(10)));
        }
        h.flush();
        assertEquals(2, h.bands.readKeyValuesToList().size());
        assertEquals(2.0, h.metrics.count("sigmavrate.cadence.stretched", null, null), 0.0);
        h.flush();
        assertEquals(2, h.bands.readKeyValuesToList().size(), "the deferred windows follow in the next batch");
        assertNotEquals(0, h.metrics.registry().find("sigmavrate.inference").timer().count());
    }
}
