package org.sigmavrate.streaming;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.sigmavrate.batching.PendingQueue;
import org.sigmavrate.batching.PendingWindow;

/** The queue of windows waiting for inference, kept in the changelogged {@link ForecastTopology#PENDING_STORE}. */
final class PendingStore implements PendingQueue {
    private final KeyValueStore<String, byte[]> store;

    PendingStore(KeyValueStore<String, byte[]> store) {
        this.store = store;
    }

    @Override
    public Map<String, List<PendingWindow>> all() {
        Map<String, List<PendingWindow>> queued = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                queued.put(kv.key, PendingWindow.decode(kv.value));
            }
        }
        return queued;
    }

    @Override
    public List<PendingWindow> of(String icao24) {
        return PendingWindow.decode(store.get(icao24));
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
