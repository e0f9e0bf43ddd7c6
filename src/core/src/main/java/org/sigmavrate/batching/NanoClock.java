package org.sigmavrate.batching;

/**
 * The monotonic clock that times inference calls. The service uses {@link #system()}; tests move a clock by hand
 * instead of sleeping, so that the measured cost per window is exact.
 */
@FunctionalInterface
public interface NanoClock {
    long nanoTime();

    static NanoClock system() {
        return System::nanoTime;
    }
}
