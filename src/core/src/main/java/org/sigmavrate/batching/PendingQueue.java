package org.sigmavrate.batching;

import java.util.List;
import java.util.Map;

/**
 * The windows waiting for inference, by aircraft. The service keeps them in a changelogged state store, so that
 * windows queued or in flight at a crash are computed after the restart.
 */
public interface PendingQueue {
    /** Every aircraft's waiting windows, aircraft in a stable order, each list oldest first. */
    Map<String, List<PendingWindow>> all();

    /** A modifiable copy of one aircraft's waiting windows; empty when none. */
    List<PendingWindow> of(String icao24);

    /** Replaces one aircraft's waiting windows; an empty list takes the aircraft out of the queue. */
    void put(String icao24, List<PendingWindow> windows);

    default void add(PendingWindow window) {
        List<PendingWindow> windows = of(window.icao24());
        windows.add(window);
        put(window.icao24(), windows);
    }
}
