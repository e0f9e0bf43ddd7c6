package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/** The sliding window of stream-thread failures, on a clock the test moves. */
class StreamThreadFailuresTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final StreamThreadFailures failures = new StreamThreadFailures(3, Duration.ofSeconds(300), now::get);

    private void failAfter(Duration d) {
        now.addAndGet(d.toNanos());
        assertEquals(StreamThreadExceptionResponse.REPLACE_THREAD, failures.handle(new IllegalStateException("test")),
                "a failed thread is always replaced");
    }

    private HealthCheckResponse liveness() {
        StreamThreadsLiveness check = new StreamThreadsLiveness();
        check.failures = failures;
        return check.call();
    }

    @Test
    void upToTheLimitWithinTheWindowIsStillLive() {
        for (int i = 0; i < 3; i++) {
            failAfter(Duration.ofSeconds(20));
        }
        assertEquals(3, failures.inWindow());
        assertFalse(failures.looping());
        assertEquals(HealthCheckResponse.Status.UP, liveness().getStatus());
    }

    @Test
    void moreThanTheLimitWithinTheWindowIsALoopUntilTheWindowDrains() {
        for (int i = 0; i < 4; i++) {
            failAfter(Duration.ofSeconds(15));
        }
        assertTrue(failures.looping());
        HealthCheckResponse down = liveness();
        assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
        assertEquals(4L, down.getData().orElseThrow().get("failures_in_window"));
        // the first failure leaves the window 300 s after it happened, then the others one by one
        now.addAndGet(Duration.ofSeconds(300 - 45 + 1).toNanos());
        assertEquals(3, failures.inWindow());
        assertFalse(failures.looping());
        assertEquals(HealthCheckResponse.Status.UP, liveness().getStatus());
        assertEquals(4, failures.total());
    }

    @Test
    void failuresSpreadOverTimeNeverLoop() {
        for (int i = 0; i < 50; i++) {
            failAfter(Duration.ofSeconds(120));
            assertFalse(failures.looping(), "failure " + i);
        }
        assertEquals(50, failures.total());
    }

    @Test
    void aZeroWindowIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new StreamThreadFailures(3, Duration.ZERO, now::get));
    }
}
