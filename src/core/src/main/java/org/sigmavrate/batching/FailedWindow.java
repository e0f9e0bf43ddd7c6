package org.sigmavrate.batching;

/**
 * A window whose inference call failed: retried while it has attempts left, then failed for good and reported.
 *
 * @param window   the window
 * @param reason   {@link #INFERENCE_FAILED} or {@link #TIMEOUT}
 * @param detail   what went wrong (the exception, or how long the call ran)
 * @param attempts failed calls the window has been in so far
 */
public record FailedWindow(PendingWindow window, String reason, String detail, int attempts) {
    /** the forecaster threw on the window alone (a failing call is bisected first, see {@link BatchedInference}) */
    public static final String INFERENCE_FAILED = "inference-failed";
    /** the call did not answer within the timeout; the watchdog abandoned it */
    public static final String TIMEOUT = "inference-timeout";
}
