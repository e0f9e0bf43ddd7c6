package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.tracking.FlightTrack;

/**
 * The sweep's slicing on thousands of aircraft, on in-memory stores (the topology's behaviour, tombstones included,
 * is StateExpiryTopologyTest's; a TopologyTestDriver commits RocksDB after every record, too slow for thousands).
 */
class SilentAircraftSweeperTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final long EXPIRY = 5 * 60_000;
    private final MockProcessorContext<String, ForecastOutput> context = new MockProcessorContext<>();
    private final KeyValueStore<String, byte[]> flights = store("flights");
    private final KeyValueStore<String, byte[]> pendingBytes = store("pending");
    private final KeyValueStore<String, DensityBands> latest = Stores.keyValueStoreBuilder(
            Stores.inMemoryKeyValueStore("latest"), Serdes.String(), AvroFormat.singleObject().serde(DensityBands.class))
            .withLoggingDisabled().build();
    private final StreamingMetrics metrics = StreamingMetrics.noop();
    private final SilentAircraftSweeper sweeper;

    SilentAircraftSweeperTest() {
        latest.init(context.getStateStoreContext(), latest);
        sweeper = new SilentAircraftSweeper(EXPIRY, flights, new PendingStore(pendingBytes, metrics), latest, metrics);
    }

    private KeyValueStore<String, byte[]> store(String name) {
        KeyValueStore<String, byte[]> s = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name),
                Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
        s.init(context.getStateStoreContext(), s);
        return s;
    }

    private void report(String icao24, long time) {
        byte[] stored = flights.get(icao24);
        FlightTrack track = stored == null ? new FlightTrack(icao24) : FlightTrack.fromBytes(icao24, stored);
        track.accept(Fixtures.domain(icao24, time, 3000, 1500), Fixtures.settings(SPEC).rules());
        flights.put(icao24, track.toBytes());
    }

    private int count() {
        int n = 0;
        try (KeyValueIterator<String, byte[]> it = flights.all()) {
            for (; it.hasNext(); it.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void eachSweepLooksAtABoundedSliceAndAPassCoversEveryAircraft() {
        int slice = SilentAircraftSweeper.SLICE;
        int n = 2 * slice + slice / 2;
        for (int a = 0; a < n; a++) {
            report(String.format("%06x", 0xb00000 + a), Fixtures.T0);
        }
        report("ffffff", Fixtures.T0 + EXPIRY); // after the others in key order; silent for 1 min at the sweeps
        long streamTime = Fixtures.T0 + EXPIRY + 60_000;
        long wall = 1_000_000;
        List<Integer> removed = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            removed.add(sweeper.sweep(streamTime, wall));
        }
        assertEquals(List.of(slice, slice, slice / 2), removed);
        assertEquals(1, count());
        assertNotNull(flights.get("ffffff"));
        assertEquals(n, metrics.count("sigmavrate.state.expired", null, null), 0.0);

        report("a00000", Fixtures.T0); // before the others in key order, already silent
        assertEquals(1, sweeper.sweep(streamTime, wall), "the next pass starts again from the first key");
        assertNull(flights.get("a00000"));
        assertNotNull(flights.get("ffffff"));
    }

    @Test
    void silenceIsMeasuredAgainstStreamTimeRunningOnAtTheWallClocksPaceWhileItStands() {
        report("3c6586", Fixtures.T0);
        long wall = 1_000_000;
        assertEquals(0, sweeper.sweep(-1, wall), "stream time unknown: nothing is judged");
        assertEquals(0, sweeper.sweep(Fixtures.T0 + 60_000, wall));
        assertEquals(0, sweeper.sweep(Fixtures.T0 + 60_000, wall + EXPIRY - 60_000), "exactly the expiry: kept");
        // stream time moves (a replay, far faster than the wall clock): the wall clock since it stood no longer counts
        assertEquals(0, sweeper.sweep(Fixtures.T0 + 90_000, wall + EXPIRY));
        assertEquals(1, sweeper.sweep(Fixtures.T0 + EXPIRY + 1, wall + EXPIRY));
        assertEquals(0, count());
    }
}
