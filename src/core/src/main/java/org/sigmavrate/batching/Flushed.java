package org.sigmavrate.batching;

import java.util.List;

/**
 * What one {@link BatchedInference#flush} did.
 *
 * @param finished calls that finished, to publish, oldest first
 * @param deferred windows the call it started left out (the cadence-stretched count)
 */
public record Flushed(List<FinishedBatch> finished, int deferred) {
    static final Flushed NOTHING = new Flushed(List.of(), 0);
}
