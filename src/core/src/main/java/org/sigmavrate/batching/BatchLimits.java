package org.sigmavrate.batching;

/**
 * How far {@link BatchedInference} goes for a window before it gives up on it, and how many windows a flight may
 * have waiting. Values come from configuration ({@code forecaster.batch.*}, where the defaults are).
 *
 * @param maxAttempts         failed calls a window may be in (alone, after bisection; or timed out) before it is
 *                            failed for good and reported
 * @param timeoutMillis       a call that has not answered after this long is abandoned by the watchdog and its
 *                            windows are retried or failed; 0: no watchdog (the forecaster runs on the caller's thread)
 * @param maxPendingPerFlight most windows one aircraft may have waiting (in flight included); beyond it its oldest
 *                            are superseded by the newer ones, so a stuck model cannot grow a flight's pending record
 */
public record BatchLimits(int maxAttempts, long timeoutMillis, int maxPendingPerFlight) {
    public BatchLimits {
        if (maxAttempts < 1 || timeoutMillis < 0 || maxPendingPerFlight < 1) {
            throw new IllegalArgumentException("max-attempts >= 1, timeout-ms >= 0, max-pending-per-flight >= 1");
        }
    }
}
