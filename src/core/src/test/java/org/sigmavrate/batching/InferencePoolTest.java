package org.sigmavrate.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

/**
 * A worker stuck in a call that ignores interrupts (as native code does) is replaced once the call is abandoned, so
 * the next call runs; the pool shrinks back when the stuck call returns. The waits are guards against a hang (a
 * pool that did not replace its worker would never run the next call), not timings.
 */
class InferencePoolTest {
    private static final long GUARD_SECONDS = 60;

    /** Blocks until released, deaf to interrupts. */
    private static FutureTask<String> stuckUntil(CountDownLatch release, CountDownLatch started) {
        return new FutureTask<>(() -> {
            started.countDown();
            boolean released = false;
            while (!released) {
                try {
                    released = release.await(GUARD_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    // deaf, as a thread inside ONNX Runtime is
                }
            }
            return "late";
        });
    }

    @Test
    void anAbandonedStuckCallGetsAReplacementWorkerUntilItReturns() throws Exception {
        InferencePool pool = new InferencePool(1, "test-inference");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        FutureTask<String> stuck = stuckUntil(release, started);
        pool.execute(stuck);
        assertTrue(started.await(GUARD_SECONDS, TimeUnit.SECONDS));

        stuck.cancel(true);
        pool.abandoned(stuck);
        assertEquals(1, pool.stuckWorkers());
        FutureTask<String> next = new FutureTask<>(() -> "answered");
        pool.execute(next);
        assertEquals("answered", next.get(GUARD_SECONDS, TimeUnit.SECONDS), "the next call runs beside the stuck one");
        assertEquals(2, pool.getCorePoolSize());

        release.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
        assertEquals(1, pool.getCorePoolSize(), "back to its size once the stuck call returned");
        assertEquals(0, pool.stuckWorkers());
    }

    @Test
    void anAbandonedCallStillQueuedNeverRuns() throws Exception {
        InferencePool pool = new InferencePool(1, "test-inference");
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(1);
        pool.execute(stuckUntil(release, started));
        assertTrue(started.await(GUARD_SECONDS, TimeUnit.SECONDS));
        AtomicBoolean ran = new AtomicBoolean();
        FutureTask<Boolean> queued = new FutureTask<>(() -> ran.getAndSet(true));
        pool.execute(queued);

        queued.cancel(true);
        pool.abandoned(queued);
        assertEquals(0, pool.stuckWorkers());
        assertEquals(1, pool.getCorePoolSize(), "nothing to replace");
        release.countDown();
        pool.shutdown();
        assertTrue(pool.awaitTermination(GUARD_SECONDS, TimeUnit.SECONDS));
        assertFalse(ran.get());
    }
}
