package org.sigmavrate.batching;

import java.time.Duration;

/** A clock that moves only when told: inference calls take exactly the time a test says. */
final class HandClock implements NanoClock {
    private long nanos;

    @Override
    public long nanoTime() {
        return nanos;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }
}
