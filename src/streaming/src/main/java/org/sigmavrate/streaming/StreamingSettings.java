package org.sigmavrate.streaming;

import org.sigmavrate.batching.BatchLimits;
import org.sigmavrate.tracking.TrackRules;

/**
 * Everything the topology needs to know, from configuration ({@code forecaster.*}: src/config's ForecasterConfig,
 * where the defaults are).
 *
 * @param topics           topic names
 * @param rules            windowing, cadence, grace, segmentation, and the re-forecast policy
 * @param maxFutureMillis  reports further ahead of the wall clock are dead-lettered
 * @param batchEveryMillis wall-clock period of the batched inference punctuator
 * @param maxBatchWindows  most windows per inference call; beyond it the least-changed flights wait (cadence stretched)
 * @param batchBudgetMillis time budget of one inference call (0: none). The processor measures the forecaster's
 *                         cost per window and takes at most {@code budget / cost} windows per call, so a slow model
 *                         (the σ-GPT on CPU) stretches the cadence (the least-changed flights wait) instead of
 *                         running calls of minutes whose outputs would all come late
 * @param limits           retries, watchdog timeout and the per-flight cap of pending windows
 * @param recordLimits     bad input: how old a report may be, how large a dead letter
 * @param expireAfterMillis an aircraft silent this long (event time, see {@link SilentAircraftSweeper}) is removed
 *                         from every store; {@link #NEVER_EXPIRE}: kept for ever
 */
public record StreamingSettings(Topics topics, TrackRules rules, long maxFutureMillis, long batchEveryMillis,
        int maxBatchWindows, long batchBudgetMillis, BatchLimits limits, RecordLimits recordLimits,
        long expireAfterMillis) {

    /** Aircraft state is never removed (tests and tools whose runs are shorter than any silence). */
    public static final long NEVER_EXPIRE = Long.MAX_VALUE;

    /**
     * Topic names, declared once.
     *
     * @param forecastFailures windows whose inference failed for good (see {@link ForecastFailure})
     */
    public record Topics(String input, String trajectories, String bands, String deadLetter, String forecastFailures) {
    }

    /**
     * What bad input the topology refuses, and how large its dead letters may be ({@code forecaster.bad-records.*}).
     *
     * @param maxAgeMillis       reports older than this behind the wall clock are dead-lettered (0: no limit)
     * @param deadLetterMaxBytes a dead letter (value, key and headers) above this is truncated: under the dead-letter
     *                           topic's {@code max.message.bytes} and the producer's {@code max.request.size}
     */
    public record RecordLimits(long maxAgeMillis, int deadLetterMaxBytes) {
        /** No age limit, dead letters as large as Kafka takes them (benchmarks and tests of other things). */
        public static final RecordLimits NONE = new RecordLimits(0, Integer.MAX_VALUE);

        public RecordLimits {
            if (maxAgeMillis < 0 || deadLetterMaxBytes < 1024) {
                throw new IllegalArgumentException("max age >= 0, dead-letter max bytes >= 1024");
            }
        }
    }

    /** Without limits on bad input ({@link RecordLimits#NONE}) and without expiry. */
    public StreamingSettings(Topics topics, TrackRules rules, long maxFutureMillis, long batchEveryMillis,
            int maxBatchWindows, long batchBudgetMillis, BatchLimits limits) {
        this(topics, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows, batchBudgetMillis, limits,
                RecordLimits.NONE, NEVER_EXPIRE);
    }

    public StreamingSettings {
        if (maxBatchWindows < 1 || batchEveryMillis < 1 || batchBudgetMillis < 0) {
            throw new IllegalArgumentException("batch: every-ms >= 1, max-windows >= 1, budget-ms >= 0");
        }
        if (expireAfterMillis < 1) {
            throw new IllegalArgumentException("state: expire-after > 0");
        }
        java.util.Objects.requireNonNull(limits, "limits");
        java.util.Objects.requireNonNull(recordLimits, "recordLimits (RecordLimits.NONE for none)");
    }

    public StreamingSettings withBatch(int maxWindows, long budgetMillis) {
        return new StreamingSettings(topics, rules, maxFutureMillis, batchEveryMillis, maxWindows, budgetMillis,
                limits, recordLimits, expireAfterMillis);
    }

    public StreamingSettings withTopics(Topics t) {
        return new StreamingSettings(t, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows, batchBudgetMillis,
                limits, recordLimits, expireAfterMillis);
    }

    public StreamingSettings withLimits(BatchLimits l) {
        return new StreamingSettings(topics, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows,
                batchBudgetMillis, l, recordLimits, expireAfterMillis);
    }

    public StreamingSettings withRecordLimits(RecordLimits r) {
        return new StreamingSettings(topics, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows,
                batchBudgetMillis, limits, r, expireAfterMillis);
    }

    /** The same settings under another re-forecast policy (the load bench compares changes with cadence). */
    public StreamingSettings withReforecast(org.sigmavrate.tracking.ReforecastRules r) {
        return new StreamingSettings(topics, rules.withReforecast(r), maxFutureMillis, batchEveryMillis,
                maxBatchWindows, batchBudgetMillis, limits, recordLimits, expireAfterMillis);
    }

    public StreamingSettings withExpiry(long afterMillis) {
        return new StreamingSettings(topics, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows,
                batchBudgetMillis, limits, recordLimits, afterMillis);
    }
}
