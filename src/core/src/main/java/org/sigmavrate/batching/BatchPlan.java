package org.sigmavrate.batching;

import java.util.List;
import java.util.Map;

/**
 * The next inference call as {@link BatchScheduler} decided it.
 *
 * @param windows  the call's windows
 * @param requeued over capacity: the new queue of each aircraft that has windows left out, its windows in the call
 *                 (they leave the queue only once the call has finished) and its newest window left out
 * @param deferred windows left out of the call: the cadence-stretched count
 */
public record BatchPlan(List<PendingWindow> windows, Map<String, List<PendingWindow>> requeued, int deferred) {
    static final BatchPlan NONE = new BatchPlan(List.of(), Map.of(), 0);

    public boolean isEmpty() {
        return windows.isEmpty();
    }
}
