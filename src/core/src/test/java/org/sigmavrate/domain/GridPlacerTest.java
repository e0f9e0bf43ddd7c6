package org.sigmavrate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.domain.Reports.at;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.grid.GridPlacer;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.grid.WindowCutter;

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

    @Test
    void windowsAreCutWithStrideAndCoverage() {
        double[] rates = new double[200];
        double[] altitudes = new double[200];
        for (int i = 0; i < 200; i++) {
            rates[i] = i < 100 ? 0 : Double.NaN;
            altitudes[i] = 1000;
        }
        GriddedFlight g = new GriddedFlight("f", "test", T0, 10_000, rates, altitudes, new byte[200]);
        List<GriddedFlight> all = new WindowCutter(64, 16, 0).cut(g);
        assertEquals(9, all.size());
        assertEquals(T0 + 16 * 10_000, all.get(1).startMillis());
        List<GriddedFlight> covered = new WindowCutter(64, 16, 0.75).cut(g);
        // windows starting at 0, 16, 32 have >= 48 of 64 steps with a rate; 48 has 52 too (steps 48..99)
        assertEquals(4, covered.size());
        assertTrue(covered.stream().allMatch(w -> w.countWith(Channel.VERTICAL_RATE) >= 48));
    }
}
