package org.sigmavrate.streaming;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.sigmavrate.batching.PendingQueue;
import org.sigmavrate.batching.PendingWindow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queue of windows waiting for inference, kept in the changelogged {@link ForecastTopology#PENDING_STORE}. An entry
 * that cannot be decoded (a damaged changelog, a format from a newer release) is dropped and counted: it would
 * otherwise fail every flush of the task and blind all its aircraft.
 */
final class PendingStore implements PendingQueue {
    private static final Logger LOG = LoggerFactory.getLogger(PendingStore.class);
    private final KeyValueStore<String, byte[]> store;
    private final StreamingMetrics metrics;

    PendingStore(KeyValueStore<String, byte[]> store, StreamingMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public Map<String, List<PendingWindow>> all() {
        Map<String, List<PendingWindow>> queued = new LinkedHashMap<>();
        List<String> unreadable = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                List<PendingWindow> windows = decode(kv.key, kv.value);
                if (windows == null) {
                    unreadable.add(kv.key);
                } else {
                    queued.put(kv.key, windows);
                }
            }
        }
        unreadable.forEach(store::delete);
        return queued;
    }

    @Override
    public List<PendingWindow> of(String icao24) {
        List<PendingWindow> windows = decode(icao24, store.get(icao24));
        if (windows == null) {
            store.delete(icao24);
            return new ArrayList<>();
        }
        return windows;
    }

    /** The entry's windows, or null (counted and logged) when it cannot be decoded. */
    private List<PendingWindow> decode(String icao24, byte[] bytes) {
        try {
            return PendingWindow.decode(bytes);
        } catch (RuntimeException e) {
            metrics.stateReset("unreadable-pending-windows");
            LOG.warn("pending windows of {} unreadable ({}): dropped", icao24, e.getMessage());
            return null;
        }
    }

    @Override
    public void put(String icao24, List<PendingWindow> windows) {
        if (windows.isEmpty()) {
            store.delete(icao24);
        } else {
            store.put(icao24, PendingWindow.encode(windows));
        }
    }
}
