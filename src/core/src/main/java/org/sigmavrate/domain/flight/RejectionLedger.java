package org.sigmavrate.domain.flight;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Counts of reports or values set aside, by reason, so that nothing is dropped silently. */
public final class RejectionLedger {
    private final Map<String, Long> counts = new TreeMap<>();

    public void count(String reason) {
        count(reason, 1);
    }

    public void count(String reason, long n) {
        if (n != 0) {
            counts.merge(reason, n, Long::sum);
        }
    }

    public void addAll(RejectionLedger other) {
        other.counts.forEach(this::count);
    }

    public long get(String reason) {
        return counts.getOrDefault(reason, 0L);
    }

    public long total() {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The counts in order of reason, so that what is written from them is the same on every run. */
    public Map<String, Long> asMap() {
        return Collections.unmodifiableMap(new TreeMap<>(counts));
    }

    @Override
    public String toString() {
        return counts.toString();
    }
}
