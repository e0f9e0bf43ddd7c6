package org.sigmavrate.streaming;

import org.sigmavrate.tracking.TrackRules;

/**
 * Everything the topology needs to know, from configuration ({@code forecaster.*}: src/config's ForecasterConfig,
 * where the defaults are).
 *
 * @param topics           topic names
 * @param rules            windowing, cadence, grace, segmentation
 * @param maxFutureMillis  reports further ahead of the wall clock are dead-lettered
 * @param batchEveryMillis wall-clock period of the batched inference punctuator
 * @param maxBatchWindows  most windows per inference call; beyond it the least-changed flights wait (cadence stretched)
 * @param batchBudgetMillis time budget of one inference call (0: none). The processor measures the forecaster's
 *                         cost per window and takes at most {@code budget / cost} windows per call, so a slow model
 *                         (the σ-GPT on CPU) stretches the cadence (the least-changed flights wait) instead of
 *                         running calls of minutes whose outputs would all come late
 * @param expireAfterMillis an aircraft silent this long (event time, see {@link SilentAircraftSweeper}) is removed
 *                         from every store; {@link #NEVER_EXPIRE}: kept for ever
 */
public record StreamingSettings(Topics topics, TrackRules rules, long maxFutureMillis, long batchEveryMillis,
        int maxBatchWindows, long batchBudgetMillis, long expireAfterMillis) {

    /** Aircraft state is never removed (tests and tools whose runs are shorter than any silence). */
    public static final long NEVER_EXPIRE = Long.MAX_VALUE;

    /** Topic names, declared once. */
    public record Topics(String input, String trajectories, String bands, String deadLetter) {
    }

    /** Without a time budget (the batch is bounded by {@code maxBatchWindows} alone) and without expiry. */
    public StreamingSettings(Topics topics, TrackRules rules, long maxFutureMillis, long batchEveryMillis,
            int maxBatchWindows) {
        this(topics, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows, 0, NEVER_EXPIRE);
    }

    public StreamingSettings {
        if (maxBatchWindows < 1 || batchEveryMillis < 1 || batchBudgetMillis < 0) {
            throw new IllegalArgumentException("batch: every-ms >= 1, max-windows >= 1, budget-ms >= 0");
        }
        if (expireAfterMillis < 1) {
            throw new IllegalArgumentException("state: expire-after > 0");
        }
    }

    public StreamingSettings withBatch(int maxWindows, long budgetMillis) {
        return new StreamingSettings(topics, rules, maxFutureMillis, batchEveryMillis, maxWindows, budgetMillis,
                expireAfterMillis);
    }

    public StreamingSettings withTopics(Topics t) {
        return new StreamingSettings(t, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows, batchBudgetMillis,
                expireAfterMillis);
    }

    public StreamingSettings withExpiry(long afterMillis) {
        return new StreamingSettings(topics, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows,
                batchBudgetMillis, afterMillis);
    }
}
