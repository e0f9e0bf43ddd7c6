package org.sigmavrate.streaming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.batching.PendingQueue;
import org.sigmavrate.tracking.FlightTrack;

/**
 * Removes the aircraft silent for longer than {@link StreamingSettings#expireAfterMillis()} from the task's stores
 * ({@code flights}, {@code latest-bands}; {@code pending-windows} is empty for them, see below): the deletes are
 * tombstones in the compacted changelogs, so the state of the aircraft that have left stays bounded, and
 * {@code /forecasts} answers 404 for them.
 * <p>
 * <b>Silence is judged on event time</b>: the aircraft's latest report against the task's stream time (the largest
 * event time it has read), which runs on at the wall clock's pace while the task reads nothing. So a replay of old
 * traffic, at any speed, expires aircraft as live traffic would, and a restart or a backlog after an outage of this
 * service expires nothing that its backlog still holds reports of (the wall clock since a report was received would
 * expire every aircraft while the service was down, and cut their flights when their backlog arrives). A task whose
 * partitions fall silent still expires its aircraft after the setting's time of wall clock, so stale bands are not
 * served for ever when the feed stops (the price: when the feed resumes with a backlog older than the setting, those
 * aircraft start new flights).
 * <p>
 * Each sweep (a wall-clock punctuation every {@link #EVERY}) looks at {@link #SLICE} keys of {@code flights} from
 * where the last one stopped, so a punctuation holds the stream thread for a bounded time however many aircraft the
 * task has; a full pass over N aircraft takes N / {@value #SLICE} sweeps. An aircraft with windows still waiting in
 * {@code pending-windows} (a call in flight, or deferred over capacity) is left to a later pass: its forecast is still
 * published and its bands stored first, and once it is removed nothing can store them again.
 */
final class SilentAircraftSweeper {
    /** wall-clock period of the sweeps */
    static final Duration EVERY = Duration.ofSeconds(1);
    /** keys of {@code flights} looked at per sweep: a bounded hold of the stream thread */
    static final int SLICE = 1000;

    private final long expireAfterMillis;
    private final KeyValueStore<String, byte[]> flights;
    private final PendingQueue pending;
    private final KeyValueStore<String, DensityBands> latest;
    private final StreamingMetrics metrics;
    /** the last key looked at; null: the next sweep starts from the first key */
    private String cursor;
    private long lastStreamTime = Long.MIN_VALUE;
    private long wallWhenStreamTimeMoved;

    SilentAircraftSweeper(long expireAfterMillis, KeyValueStore<String, byte[]> flights, PendingQueue pending,
            KeyValueStore<String, DensityBands> latest, StreamingMetrics metrics) {
        this.expireAfterMillis = expireAfterMillis;
        this.flights = flights;
        this.pending = pending;
        this.latest = latest;
        this.metrics = metrics;
    }

    /**
     * One slice.
     *
     * @param streamTime the task's stream time (negative while unknown: nothing read nor restored yet)
     * @param wallTime   the wall clock
     * @return the aircraft removed
     */
    int sweep(long streamTime, long wallTime) {
        long now = eventTimeNow(streamTime, wallTime);
        if (now == Long.MIN_VALUE) {
            return 0;
        }
        List<String> silent = new ArrayList<>();
        int seen = 0;
        String last = null;
        try (KeyValueIterator<String, byte[]> it = flights.range(cursor, null)) {
            while (seen < SLICE && it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                if (kv.key.equals(cursor)) {
                    continue; // the range starts at the cursor, which the previous sweep looked at
                }
                seen++;
                last = kv.key;
                long latestReport = FlightTrack.latestOf(kv.value);
                if (now - latestReport > expireAfterMillis && pending.of(kv.key).isEmpty()) {
                    silent.add(kv.key);
                }
            }
            cursor = it.hasNext() ? last : null;
        }
        for (String key : silent) {
            flights.delete(key);
            if (latest.get(key) != null) {
                latest.delete(key);
            }
        }
        metrics.expired(silent.size());
        return silent.size();
    }

    /** Stream time, run on at the wall clock's pace since it last moved; {@code Long.MIN_VALUE}: unknown. */
    private long eventTimeNow(long streamTime, long wallTime) {
        if (streamTime < 0) {
            return Long.MIN_VALUE;
        }
        if (streamTime != lastStreamTime) {
            lastStreamTime = streamTime;
            wallWhenStreamTimeMoved = wallTime;
        }
        return streamTime + Math.max(0, wallTime - wallWhenStreamTimeMoved);
    }
}
