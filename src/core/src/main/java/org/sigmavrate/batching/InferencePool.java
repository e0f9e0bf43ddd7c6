package org.sigmavrate.batching;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that run the forecaster (daemons), which the {@link BatchedInference} watchdog can give up on. A call
 * that hangs may keep its worker forever (stuck in native code, deaf to interrupts): a plain fixed pool of one thread
 * would then queue every later call behind it, so that every one times out. Here an abandoned running call gets a
 * replacement worker for as long as it runs, so the pool keeps its configured number of working threads; once the
 * stuck call returns, the pool shrinks back. At most {@value #MAX_REPLACED} stuck workers are replaced: beyond that
 * the runtime is wedged, later calls wait and time out, and their windows are reported as failed (threads are not
 * leaked without bound). {@link #stuckWorkers()} tells how many are stuck.
 */
public final class InferencePool extends ThreadPoolExecutor {
    /** Most stuck workers replaced at once. */
    public static final int MAX_REPLACED = 8;

    private final Set<Runnable> running = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Runnable> abandoned = Collections.newSetFromMap(new IdentityHashMap<>());
    private final Set<Runnable> replaced = Collections.newSetFromMap(new IdentityHashMap<>());

    /**
     * @param threads working threads
     * @param name    thread name prefix ({@code name-1}, {@code name-2}, ...)
     */
    public InferencePool(int threads, String name) {
        super(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons(name));
    }

    private static java.util.concurrent.ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    protected synchronized void beforeExecute(Thread t, Runnable r) {
        running.add(r);
    }

    @Override
    protected synchronized void afterExecute(Runnable r, Throwable t) {
        running.remove(r);
        abandoned.remove(r);
        if (replaced.remove(r)) {
            // core first: the core size may never exceed the maximum
            setCorePoolSize(getCorePoolSize() - 1);
            setMaximumPoolSize(getMaximumPoolSize() - 1);
        }
    }

    /**
     * The watchdog gave up on this task (as given to {@link #execute}): still queued, it is dropped; running, its
     * worker is replaced while it runs (up to {@value #MAX_REPLACED} at once).
     */
    public synchronized void abandoned(Runnable task) {
        if (remove(task) || !running.contains(task) || !abandoned.add(task)) {
            return;
        }
        if (replaced.size() < MAX_REPLACED && !isShutdown()) {
            replaced.add(task);
            // maximum first: the core size may never exceed it; a new core thread takes the queued calls
            setMaximumPoolSize(getMaximumPoolSize() + 1);
            setCorePoolSize(getCorePoolSize() + 1);
        }
    }

    /** Abandoned calls whose worker has not returned yet. */
    public synchronized int stuckWorkers() {
        return abandoned.size();
    }
}
