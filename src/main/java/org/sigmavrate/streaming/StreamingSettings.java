package org.sigmavrate.streaming;

import org.sigmavrate.domain.spec.Spec;

/**
 * Everything the topology needs to know, from configuration ({@code forecaster.*} in application.properties).
 *
 * @param topics          topic names
 * @param rules           windowing, cadence, grace, segmentation
 * @param maxFutureMillis reports further ahead of the wall clock are dead-lettered
 * @param batchEveryMillis wall-clock period of the batched inference punctuator
 * @param maxBatchWindows  most windows per inference call; beyond it the least-changed flights wait (cadence stretched)
 */
public record StreamingSettings(Topics topics, TrackRules rules, long maxFutureMillis, long batchEveryMillis,
        int maxBatchWindows) {

    /** Topic names, declared once. */
    public record Topics(String input, String trajectories, String bands, String deadLetter) {
        public static Topics defaults() {
            return new Topics("surveillance-reports", "infilled-trajectories", "density-bands",
                    "surveillance-reports-dlq");
        }
    }

    public static StreamingSettings defaults(Spec spec) {
        return new StreamingSettings(Topics.defaults(),
                new TrackRules(spec.grid(), 120_000, 10_000, 60_000, 10 * 60_000, 2), 10 * 60_000, 200, 2048);
    }
}
