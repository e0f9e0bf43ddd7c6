package org.sigmavrate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.sigmavrate.domain.Reports.at;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.grid.GridPlacer;
import org.sigmavrate.domain.grid.GriddedFlight;

class GridPlacerTest {
    private static final long T0 = 1_700_000_000_000L;
    private final GridPlacer placer = new GridPlacer(new GridDefinition(10_000, 64));

    @Test
    void eachStepTakesTheNearestReportWithinHalfAStepPerChannel() {
        Flight flight = new Flight("f", "abc123", "test", List.of(
                at("abc123", T0, 1000, 100),
                at("abc123", T0 + 8_000, 1100, Double.NaN),   // nearest to step 1 for altitude only
                at("abc123", T0 + 13_000, 1200, 300),         // rate of step 1: the nearer 8 s report has none
                at("abc123", T0 + 25_000, 1300, 400),
                at("abc123", T0 + 50_000, 1500, 500)));
        GriddedFlight g = placer.place(flight);
        assertEquals(6, g.steps());
        assertEquals(100, g.value(0, Channel.VERTICAL_RATE));
        assertEquals(300, g.value(1, Channel.VERTICAL_RATE));
        assertEquals(1100, g.value(1, Channel.ALTITUDE));
        // 25 s lies exactly half a step from steps 2 and 3: both may use it
        assertEquals(400, g.value(2, Channel.VERTICAL_RATE));
        assertEquals(400, g.value(3, Channel.VERTICAL_RATE));
        assertFalse(g.has(4, Channel.VERTICAL_RATE));
        assertFalse(g.has(4, Channel.ALTITUDE));
        assertEquals(500, g.value(5, Channel.VERTICAL_RATE));
        assertEquals(T0 + 50_000, g.timeOf(5));
        assertEquals(GriddedFlight.RATE_REPORTED, g.rateFlags(0));
        assertEquals(0, g.rateFlags(4));
    }

    @Test
    void onATieTheEarlierReportWins() {
        Flight flight = new Flight("f", "abc123", "test", List.of(
                at("abc123", T0, 1000, 0),
                at("abc123", T0 + 7_000, 2000, 700),
                at("abc123", T0 + 13_000, 3000, 1300)));
        GriddedFlight g = placer.place(flight);
        assertEquals(700, g.value(1, Channel.VERTICAL_RATE));
        assertEquals(2000, g.value(1, Channel.ALTITUDE));
    }
}
