package org.sigmavrate.domain.forecast;

import java.nio.charset.StandardCharsets;

import org.sigmavrate.domain.grid.GriddedFlight;

/**
 * Seeds of a window's random choices, derived only from what identifies the window (flight id and grid start), so
 * that a replay of the same input draws the same samples on any machine and after any restart, and the service and
 * {@code infill} draw the same for the same window of the same flight.
 */
public final class Seeds {
    private Seeds() {
    }

    public static long of(String flightId, long gridStartMillis) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64 over the id's UTF-8 bytes
        for (byte b : flightId.getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return mix(h ^ mix(gridStartMillis));
    }

    /** The seed of a window placed on the grid: its flight id and its first step's time. */
    public static long of(GriddedFlight window) {
        return of(window.flightId(), window.startMillis());
    }

    /** SplitMix64's finalizer: spreads every input bit over the output. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
