package org.sigmavrate.batching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The pending queue in a sorted map: aircraft in key order, as the service's in-memory store iterates them. */
final class MapQueue implements PendingQueue {
    private final TreeMap<String, List<PendingWindow>> windows = new TreeMap<>();

    @Override
    public Map<String, List<PendingWindow>> all() {
        Map<String, List<PendingWindow>> copy = new LinkedHashMap<>();
        windows.forEach((icao24, list) -> copy.put(icao24, new ArrayList<>(list)));
        return copy;
    }

    @Override
    public List<PendingWindow> of(String icao24) {
        return new ArrayList<>(windows.getOrDefault(icao24, List.of()));
    }

    @Override
    public void put(String icao24, List<PendingWindow> list) {
        if (list.isEmpty()) {
            windows.remove(icao24);
        } else {
            windows.put(icao24, new ArrayList<>(list));
        }
    }

    int size() {
        return windows.values().stream().mapToInt(List::size).sum();
    }
}
