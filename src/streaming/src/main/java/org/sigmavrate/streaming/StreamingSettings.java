package org.sigmavrate.streaming;

import org.sigmavrate.batching.BatchLimits;
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
 * @param limits           retries, watchdog timeout and the per-flight cap of pending windows
 */
public record StreamingSettings(Topics topics, TrackRules rules, long maxFutureMillis, long batchEveryMillis,
        int maxBatchWindows, long batchBudgetMillis, BatchLimits limits) {

    /**
     * Topic names, declared once.
     *
     * @param forecastFailures windows whose inference failed for good (see {@link ForecastFailure})
     */
    public record Topics(String input, String trajectories, String bands, String deadLetter, String forecastFailures) {
    }

    public StreamingSettings {
        if (maxBatchWindows < 1 || batchEveryMillis < 1 || batchBudgetMillis < 0) {
            throw new IllegalArgumentException("batch: every-ms >= 1, max-windows >= 1, budget-ms >= 0");
        }
        java.util.Objects.requireNonNull(limits, "limits");
    }

    public StreamingSettings withBatch(int maxWindows, long budgetMillis) {
        return new StreamingSettings(topics, rules, maxFutureMillis, batchEveryMillis, maxWindows, budgetMillis,
                limits);
    }

    public StreamingSettings withTopics(Topics t) {
        return new StreamingSettings(t, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows, batchBudgetMillis,
                limits);
    }

    public StreamingSettings withLimits(BatchLimits l) {
        return new StreamingSettings(topics, rules, maxFutureMillis, batchEveryMillis, maxBatchWindows,
                batchBudgetMillis, l);
    }
}
