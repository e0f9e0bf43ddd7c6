package org.sigmavrate.batching;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides which waiting windows go into the next inference call. All of them while they fit under the cap: at most
 * {@code maxWindows}, and with a time budget at most as many as the measured cost per window fits in it (the first
 * call, of {@value #PROBE_WINDOWS} windows, measures it). Over the cap, {@linkplain PendingWindow#urgent() urgent}
 * windows (a new flight, a report out of its band, a new phase) go first, then the aircraft that changed most, and
 * every other aircraft keeps only its newest window for a later call: its cadence (or max age) is stretched, so the
 * service degrades instead of falling behind without bound, and what it delays is the refreshes, not the news.
 */
public final class BatchScheduler {
    /** Windows of the first call under a time budget, which measures the cost per window. */
    public static final int PROBE_WINDOWS = 4;
    /** Calls before the cost estimate may defer windows: the probe and the call sized on it alone. */
    public static final int WARMUP_CALLS = 2;

    private static final Comparator<PendingWindow> BY_AIRCRAFT_AND_TIME = Comparator
            .comparing(PendingWindow::icao24)
            .thenComparingLong(p -> p.window().lastReportTime());
    private static final Comparator<PendingWindow> URGENT_THEN_MOST_CHANGED_FIRST = Comparator
            .comparing((PendingWindow p) -> !p.urgent())
            .thenComparingDouble(p -> -p.change())
            .thenComparing(BY_AIRCRAFT_AND_TIME);

    private final int maxWindows;
    private final long budgetMillis;
    private final CostPerWindow cost = new CostPerWindow();

    /**
     * @param maxWindows   most windows per call
     * @param budgetMillis time budget of one call; 0: none (the cap is {@code maxWindows} alone)
     */
    public BatchScheduler(int maxWindows, long budgetMillis) {
        if (maxWindows < 1 || budgetMillis < 0) {
            throw new IllegalArgumentException("max windows >= 1 and budget >= 0 ms");
        }
        this.maxWindows = maxWindows;
        this.budgetMillis = budgetMillis;
    }

    /** Most windows the next call may take. */
    public int cap() {
        if (budgetMillis == 0) {
            return maxWindows;
        }
        double seconds = cost.seconds();
        if (Double.isNaN(seconds)) {
            return Math.min(maxWindows, PROBE_WINDOWS);
        }
        double fits = budgetMillis / 1000.0 / Math.max(seconds, 1e-9);
        return (int) Math.max(1, Math.min(maxWindows, fits));
    }

    /** The measured seconds per window (NaN before the first call). */
    public double secondsPerWindow() {
        return cost.seconds();
    }

    /** Takes the time a finished call of {@code windows} windows took into the cost estimate. */
    public void measured(int windows, long nanos) {
        cost.record(windows, nanos);
    }

    /** @param queued every aircraft's waiting windows, in the queue's order */
    public BatchPlan plan(Map<String, List<PendingWindow>> queued) {
        List<PendingWindow> all = new ArrayList<>();
        queued.values().forEach(all::addAll);
        if (all.isEmpty()) {
            return BatchPlan.NONE;
        }
        int cap = cap();
        if (all.size() <= cap) {
            return new BatchPlan(all, Map.of(), 0);
        }
        if (cost.calls() < WARMUP_CALLS && cap < maxWindows) {
            // the probe call that measures the cost, and the call after it (sized on the probe alone, which a cold
            // JIT may have slowed): the other windows wait for the next call as they are (no overload is known yet,
            // so nothing is deferred or dropped); a configured max-windows cap that is already binding is a real
            // overload and is handled below
            return new BatchPlan(new ArrayList<>(all.subList(0, cap)), Map.of(), 0);
        }
        List<PendingWindow> ranked = new ArrayList<>(all);
        ranked.sort(URGENT_THEN_MOST_CHANGED_FIRST);
        List<PendingWindow> batch = new ArrayList<>(ranked.subList(0, cap));
        List<PendingWindow> rest = ranked.subList(cap, ranked.size());
        batch.sort(BY_AIRCRAFT_AND_TIME);
        return new BatchPlan(batch, requeued(batch, rest), rest.size());
    }

    /**
     * The queue of each aircraft with windows left out: its windows in the call, then its newest one left out; that
     * one answers the earliest urgent trigger left out, if any (its trigger and queue time), so that a band exit
     * followed by a routine refresh keeps its place and its latency is measured from the exit.
     */
    private static Map<String, List<PendingWindow>> requeued(List<PendingWindow> batch, List<PendingWindow> rest) {
        Map<String, PendingWindow> newestLeftOut = new LinkedHashMap<>();
        Map<String, PendingWindow> earliestUrgent = new HashMap<>();
        for (PendingWindow p : rest) {
            newestLeftOut.merge(p.icao24(), p,
                    (a, b) -> a.window().lastReportTime() >= b.window().lastReportTime() ? a : b);
            if (p.urgent()) {
                earliestUrgent.merge(p.icao24(), p, (a, b) -> a.queuedAtMs() <= b.queuedAtMs() ? a : b);
            }
        }
        earliestUrgent.forEach((icao24, urgent) -> newestLeftOut.computeIfPresent(icao24,
                (k, newest) -> newest.answering(urgent)));
        Map<String, List<PendingWindow>> inCall = new HashMap<>();
        for (PendingWindow p : batch) {
            inCall.computeIfAbsent(p.icao24(), k -> new ArrayList<>()).add(p);
        }
        Map<String, List<PendingWindow>> requeued = new TreeMap<>();
        newestLeftOut.forEach((icao24, newest) -> {
            List<PendingWindow> queue = new ArrayList<>(inCall.getOrDefault(icao24, List.of()));
            queue.add(newest);
            requeued.put(icao24, queue);
        });
        return requeued;
    }
}
