package org.sigmavrate.service;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * Kafka Streams' handler for a stream thread that failed, counting the failures in a sliding window. Every failed
 * thread is replaced (its tasks restart from the last commit): a transient failure heals itself and the instance keeps
 * its partitions. More than {@code limit} failures within the window is a loop (a record that fails the same way
 * each time it is read again): {@link #looping()} turns the liveness check DOWN so that the orchestrator restarts the
 * instance, paced by its back-off and visible as a restart, and turns it UP again once the window drains.
 *
 * <p>Never {@code SHUTDOWN_CLIENT}: a client shut down is final (ERROR state, which the extension's liveness check
 * reports anyway) and hands its partitions to the other instances at once, spreading a poison record to all of them
 * within seconds; the liveness restart keeps the failing partition here, at the kubelet's pace.
 */
public final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {
    private static final Logger LOG = Logger.getLogger(StreamThreadFailures.class);
    private final int limit;
    private final long windowNanos;
    private final LongSupplier nanoClock;
    private final Deque<Long> recent = new ArrayDeque<>();
    private long total;

    /**
     * @param limit most failures within the window that still count as healthy
     * @param nanoClock monotonic nanoseconds ({@code System::nanoTime})
     */
    public StreamThreadFailures(int limit, Duration window, LongSupplier nanoClock) {
        if (limit < 0 || window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("thread failures: a limit >= 0 and a positive window, got " + limit
                    + " and " + window);
        }
        this.limit = limit;
        this.windowNanos = window.toNanos();
        this.nanoClock = nanoClock;
    }

    @Override
    public StreamThreadExceptionResponse handle(Throwable failure) {
        int inWindow = record();
        if (inWindow > limit) {
            LOG.errorf(failure, "stream thread failed, %d times within %d s (more than %d): liveness DOWN; replacing it",
                    inWindow, windowNanos / 1_000_000_000L, limit);
        } else {
            LOG.error("stream thread failed; replacing it", failure);
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    private synchronized int record() {
        long now = nanoClock.getAsLong();
        recent.addLast(now);
        total++;
        return prune(now);
    }

    private int prune(long now) {
        while (!recent.isEmpty() && now - recent.peekFirst() > windowNanos) {
            recent.removeFirst();
        }
        return recent.size();
    }

    /** Failures within the window ending now. */
    public synchronized int inWindow() {
        return prune(nanoClock.getAsLong());
    }

    /** More failures within the window than the limit. */
    public boolean looping() {
        return inWindow() > limit;
    }

    /** Failures since start. */
    public synchronized long total() {
        return total;
    }

    public int limit() {
        return limit;
    }

    public Duration window() {
        return Duration.ofNanos(windowNanos);
    }
}
