package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.tracking.FlightTrack;

/**
 * Aircraft silent longer than the expiry leave every store, with tombstones in the changelogs; the others stay. The
 * expiry (5 min) is below the flight max gap (10 min) here, so that a returning aircraft starting a new flight shows
 * that its state was removed (without expiry it would continue its flight).
 */
class StateExpiryTopologyTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final long EXPIRY = 5 * 60_000;
    private static final StreamingSettings SETTINGS = Fixtures.settings(SPEC).withExpiry(EXPIRY);
    private static final String APP = "sigma-vrate-expiry-test";
    private static final String SILENT = "3c6586";
    private static final String ACTIVE = "4ca7b5";
    private final List<TopologyTestDriver> drivers = new ArrayList<>();

    private final class Harness {
        final StreamingMetrics metrics = StreamingMetrics.noop();
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> input;
        final TestOutputTopic<String, byte[]> bands;
        final KeyValueStore<String, byte[]> flights;
        final KeyValueStore<String, byte[]> pending;
        final KeyValueStore<String, DensityBands> latest;

        Harness(Executor inference) {
            Properties props = Fixtures.driverProperties(APP);
            driver = new TopologyTestDriver(ForecastTopology.build(SETTINGS, SPEC, new AltitudeDifferenceForecaster(),
                    AvroFormat.singleObject(), metrics, inference), props, Instant.ofEpochMilli(Fixtures.T0 + 3_600_000));
            drivers.add(driver);
            input = driver.createInputTopic(SETTINGS.topics().input(), new ByteArraySerializer(), new ByteArraySerializer());
            bands = driver.createOutputTopic(SETTINGS.topics().bands(), new StringDeserializer(), new ByteArrayDeserializer());
            flights = driver.getKeyValueStore(ForecastTopology.FLIGHTS_STORE);
            pending = driver.getKeyValueStore(ForecastTopology.PENDING_STORE);
            latest = driver.getKeyValueStore(ForecastTopology.LATEST_STORE);
        }

        void send(String icao24, int second) {
            input.pipeInput(icao24.getBytes(StandardCharsets.UTF_8), Fixtures.bytes(Fixtures.climbing(icao24, t(second))));
        }

        /** One second of wall clock: the batch punctuator runs, then the sweeper. */
        void tick() {
            driver.advanceWallClockTime(Duration.ofSeconds(1));
        }

        double expired() {
            return metrics.count("sigmavrate.state.expired", null, null);
        }

        /** The changelog's records not read yet, per key, in order (value null: a tombstone). */
        Map<String, List<byte[]>> changelog(String store) {
            Map<String, List<byte[]>> byKey = new HashMap<>();
            for (KeyValue<String, byte[]> kv : driver.createOutputTopic(APP + "-" + store + "-changelog",
                    new StringDeserializer(), new ByteArrayDeserializer()).readKeyValuesToList()) {
                byKey.computeIfAbsent(kv.key, k -> new ArrayList<>()).add(kv.value);
            }
            return byKey;
        }
    }

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
    }

    private static long t(int seconds) {
        return Fixtures.T0 + seconds * 1000L;
    }

    /** SILENT flies 30 s, ACTIVE until {@code untilSecond} (every 30 s), with a batch after SILENT's reports. */
    private static void traffic(Harness h, int untilSecond) {
        for (int s = 0; s <= 30; s += 10) {
            h.send(SILENT, s);
            h.send(ACTIVE, s);
        }
        h.tick();
        for (int s = 60; s <= untilSecond; s += 30) {
            h.send(ACTIVE, s);
        }
    }

    @Test
    void anAircraftSilentPastTheExpiryLeavesEveryStoreWithTombstonesAndAnActiveOneStays() {
        Harness h = new Harness(null);
        traffic(h, 4 * 60);
        h.tick();
        assertNotNull(h.latest.get(SILENT), "published before it fell silent");
        assertEquals(0.0, h.expired(), "4 min of stream time after its last report: not yet");

        h.send(ACTIVE, 5 * 60 + 31); // stream time 5 min 1 s after SILENT's last report
        h.tick();
        assertEquals(1.0, h.expired());
        assertNull(h.flights.get(SILENT));
        assertNull(h.latest.get(SILENT));
        assertNull(h.pending.get(SILENT));
        assertNotNull(h.flights.get(ACTIVE));
        assertNotNull(h.latest.get(ACTIVE));

        Map<String, List<byte[]>> flightsLog = h.changelog(ForecastTopology.FLIGHTS_STORE);
        List<byte[]> flights = flightsLog.get(SILENT);
        List<byte[]> latest = h.changelog(ForecastTopology.LATEST_STORE).get(SILENT);
        assertTrue(flights.size() > 1 && latest.size() > 1);
        assertNull(flights.get(flights.size() - 1), "a tombstone closes the flights changelog of the aircraft");
        assertNull(latest.get(latest.size() - 1), "and its latest-bands changelog");
        assertTrue(flights.subList(0, flights.size() - 1).stream().allMatch(v -> v != null));
        List<byte[]> active = flightsLog.get(ACTIVE);
        assertNotNull(active.get(active.size() - 1), "no tombstone for the active aircraft");
    }

    @Test
    void aReturningAircraftStartsAFreshFlight() {
        Harness h = new Harness(null);
        traffic(h, 6 * 60);
        h.tick();
        assertNull(h.flights.get(SILENT));
        String firstFlight = flightIdOfLastBands(h, SILENT);

        h.send(SILENT, 7 * 60); // 6.5 min after its last report: within the flight max gap (10 min)
        h.send(SILENT, 7 * 60 + 10);
        FlightTrack track = FlightTrack.fromBytes(SILENT, h.flights.get(SILENT));
        assertEquals(t(7 * 60), track.flightStart(), "a new flight, not the continuation of the expired one");
        h.tick();
        String secondFlight = flightIdOfLastBands(h, SILENT);
        assertEquals("3c6586-20230601T120000Z", firstFlight);
        assertEquals("3c6586-20230601T120700Z", secondFlight);
        assertEquals(secondFlight, h.latest.get(SILENT).getFlightId());
    }

    private static String flightIdOfLastBands(Harness h, String icao24) {
        String id = null;
        for (KeyValue<String, byte[]> kv : h.bands.readKeyValuesToList()) {
            if (kv.key.equals(icao24)) {
                id = AvroFormat.singleObjectSerde(DensityBands.class).deserializer().deserialize("t", kv.value)
                        .getFlightId();
            }
        }
        return id;
    }

    @Test
    void whenTheTaskReadsNothingSilenceRunsOnTheWallClock() {
        Harness h = new Harness(null);
        for (int s = 0; s <= 30; s += 10) {
            h.send(SILENT, s);
        }
        h.tick();
        h.driver.advanceWallClockTime(Duration.ofMillis(EXPIRY - 30_000));
        assertNotNull(h.flights.get(SILENT), "4.5 min of wall clock since the stream time last moved");
        h.driver.advanceWallClockTime(Duration.ofMinutes(1));
        assertNull(h.flights.get(SILENT));
        assertNull(h.latest.get(SILENT));
        assertEquals(1.0, h.expired());
    }

    @Test
    void aSilentAircraftWithAWindowInFlightIsRemovedOnlyOnceItsBandsArePublished() {
        List<Runnable> calls = new ArrayList<>();
        Harness h = new Harness(calls::add); // an inference thread that runs only when the test says so
        h.send(SILENT, 0);
        h.send(SILENT, 10);
        h.send(ACTIVE, 6 * 60);
        h.tick(); // the call starts (and waits); then the sweep
        assertEquals(1, calls.size());
        assertNotNull(h.flights.get(SILENT), "kept while its window is in flight");
        assertNotNull(h.pending.get(SILENT));
        calls.remove(0).run();
        h.tick(); // the call's outputs are sent, then the sweep removes what they stored
        assertEquals(List.of(SILENT), h.bands.readKeyValuesToList().stream().map(kv -> kv.key).toList(),
                "its forecast is published");
        assertNull(h.flights.get(SILENT));
        assertNull(h.latest.get(SILENT));
        assertNull(h.pending.get(SILENT));
        assertNotNull(h.flights.get(ACTIVE));
    }
}
