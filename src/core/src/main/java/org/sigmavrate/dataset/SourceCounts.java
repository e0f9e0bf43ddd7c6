package org.sigmavrate.dataset;

import java.util.EnumMap;
import java.util.Map;

/** Flights, points and windows contributed by one data source. */
public final class SourceCounts {
    long flights;
    long points;
    final Map<Split, Long> windows = new EnumMap<>(Split.class);

    public long flights() {
        return flights;
    }

    public long points() {
        return points;
    }

    public long windows(Split split) {
        return windows.getOrDefault(split, 0L);
    }
}
