package org.sigmavrate.preparation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.FlightSegmenter;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;

/** The preparation pipeline on real recordings: segmentation by the gap it is given, cleaning, placement. */
class FlightPreparationTest {
    private static final Path MANY_AIRCRAFT = Path.of("data/flights/eastham/grid_20250601_36_-122.jsonl.gz");
    private static final Path ONE_FLIGHT = Path.of("data/flights/traffic/featured/elal747.json.gz");
    private static final Path WITH_GLITCHES = Path.of("data/flights/opensky/states_28d23de4.csv");

    private final Spec spec = SpecLoader.bundled();

    private FlightPreparation preparation(long maxGapMillis) {
        return new FlightPreparation(new PreparationSettings(spec, maxGapMillis));
    }

    @Test
    void flightsSplitExactlyAtSilencesLongerThanTheGapItIsGiven() throws Exception {
        List<Report> reports = FlightReaders.read(MANY_AIRCRAFT).reports();
        int previousFlights = 0;
        long previousReports = -1;
        for (long maxGap : new long[] {10 * 60_000L, 2 * 60_000L, 30_000L}) {
            List<PreparedFlight> flights = preparation(maxGap).prepare(reports, new RejectionLedger());
            Map<String, Long> lastEndPerAircraft = new HashMap<>();
            long kept = 0;
            for (PreparedFlight f : flights) {
                List<Report> r = f.flight().reports();
                kept += r.size();
                for (int i = 1; i < r.size(); i++) {
                    assertTrue(r.get(i).timeMillis() - r.get(i - 1).timeMillis() <= maxGap, f.flight().id());
                }
                Long lastEnd = lastEndPerAircraft.put(f.flight().icao24(), f.flight().endMillis());
                if (lastEnd != null) {
                    assertTrue(f.flight().startMillis() - lastEnd > maxGap, "flights of one aircraft apart by the gap");
                }
                assertEquals(FlightSegmenter.flightId(f.flight().icao24(), f.flight().startMillis()), f.flight().id());
            }
            assertTrue(flights.size() > previousFlights, "a shorter gap limit splits more flights");
            if (previousReports >= 0) {
                assertEquals(previousReports, kept, "the gap limit splits flights, it drops no report");
            }
            previousFlights = flights.size();
            previousReports = kept;
        }
    }

    @Test
    void eachFlightIsPlacedOnTheSpecGridFromItsFirstReport() throws Exception {
        List<PreparedFlight> flights = preparation(10 * 60_000L)
                .prepare(FlightReaders.read(MANY_AIRCRAFT).reports(), new RejectionLedger());
        long stepMillis = spec.grid().stepMillis();
        int rateSteps = 0;
        for (PreparedFlight f : flights) {
            GriddedFlight g = f.grid();
            assertEquals(f.flight().id(), g.flightId());
            assertEquals(f.flight().startMillis(), g.startMillis());
            assertEquals(stepMillis, g.stepMillis());
            assertTrue(g.timeOf(g.steps() - 1) - f.flight().endMillis() <= stepMillis / 2, "no step past the end");
            for (int s = 0; s < g.steps(); s++) {
                if (g.has(s, Channel.VERTICAL_RATE)) {
                    rateSteps++;
                    assertTrue(hasReportWithRate(f.flight(), g.timeOf(s), stepMillis / 2, g.value(s, Channel.VERTICAL_RATE)),
                            "a step's rate is that of a report within half a step");
                }
            }
        }
        assertTrue(rateSteps > 10_000, "too little data: " + rateSteps);
    }

    @Test
    void cleaningCountsWhatItRemovesInTheCallersLedger() throws Exception {
        List<Report> reports = FlightReaders.read(WITH_GLITCHES).reports();
        RejectionLedger ledger = new RejectionLedger();
        List<PreparedFlight> flights = preparation(10 * 60_000L).prepare(reports, ledger);
        long onGround = reports.stream().filter(r -> Boolean.TRUE.equals(r.onGround())).count();
        assertTrue(onGround > 0 && ledger.get("altitude-spike") > 0, "the file has ground reports and altitude glitches");
        assertEquals(onGround, ledger.get("on-ground"));
        assertEquals(reports.size() - onGround, flights.stream().mapToLong(f -> f.flight().reports().size()).sum());
    }

    @Test
    void aStretchTheCallerSegmentedIsCleanedAsPrepareCleansIt() throws Exception {
        List<Report> reports = new ArrayList<>(FlightReaders.read(ONE_FLIGHT).reports());
        FlightPreparation preparation = preparation(10 * 60_000L);
        List<PreparedFlight> flights = preparation.prepare(reports, new RejectionLedger());
        assertEquals(1, flights.size());
        Flight whole = flights.get(0).flight();
        reports.sort(Comparator.comparingLong(Report::timeMillis));
        Flight stretch = preparation.stretch(whole.id(), reports, new RejectionLedger());
        assertEquals(whole, stretch);
        assertNull(preparation.stretch("nothing", List.of(), new RejectionLedger()));
    }

    @Test
    void aWindowReachingPastTheLastReportHasNoValuesThere() throws Exception {
        FlightPreparation preparation = preparation(10 * 60_000L);
        PreparedFlight flight = preparation.prepare(FlightReaders.read(ONE_FLIGHT).reports(), new RejectionLedger())
                .get(0);
        int steps = flight.grid().steps();
        GriddedFlight inside = preparation.window(flight, new WindowSpan(steps - 64, 64));
        GriddedFlight past = preparation.window(flight, new WindowSpan(steps - 52, 64));
        assertEquals(flight.grid().timeOf(steps - 52), past.startMillis());
        for (int s = 0; s < 52; s++) {
            for (Channel c : Channel.values()) {
                assertEquals(inside.value(s + 12, c), past.value(s, c), 0.0, "placed like the whole flight");
            }
        }
        for (int s = 52; s < 64; s++) {
            assertFalse(past.has(s, Channel.VERTICAL_RATE) || past.has(s, Channel.ALTITUDE));
        }
    }

    @Test
    void settingsNeedAPositiveGap() {
        assertThrows(IllegalArgumentException.class, () -> new PreparationSettings(spec, 0));
        assertThrows(IllegalArgumentException.class, () -> new PreparationSettings(null, 60_000));
    }

    private static boolean hasReportWithRate(Flight flight, long time, long within, double rate) {
        for (Report r : flight.reports()) {
            if (Math.abs(r.timeMillis() - time) <= within && r.verticalRateFpm() == rate) {
                return true;
            }
        }
        return false;
    }
}
