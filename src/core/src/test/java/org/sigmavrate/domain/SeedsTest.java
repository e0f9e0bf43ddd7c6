package org.sigmavrate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.forecast.Seeds;
import org.sigmavrate.domain.grid.GriddedFlight;

class SeedsTest {
    private static final String FLIGHT = "3c6586-20230601T120000Z";

    @Test
    void aWindowsSeedDependsOnItsFlightAndGridStartOnly() {
        assertEquals(Seeds.of(FLIGHT, 1000), Seeds.of(FLIGHT, 1000));
        assertNotEquals(Seeds.of(FLIGHT, 1000), Seeds.of(FLIGHT, 11000));
        assertNotEquals(Seeds.of(FLIGHT, 1000), Seeds.of("3c6587-20230601T120000Z", 1000));
        GriddedFlight window = new GriddedFlight(FLIGHT, "test", 1000, 10_000, new double[] {1}, new double[] {2},
                new byte[1]);
        assertEquals(Seeds.of(FLIGHT, 1000), Seeds.of(window));
    }

    @Test
    void theFunctionStaysTheOneRecordedReplaysWereDrawnWith() {
        // FNV-1a 64 of the id mixed with SplitMix64's finalizer of the grid start, as published since the first
        // streaming release: changing it would change every replay's samples
        assertEquals(-1429988534650079819L, Seeds.of(FLIGHT, 1_685_620_800_000L));
    }
}
