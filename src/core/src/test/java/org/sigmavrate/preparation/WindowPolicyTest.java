package org.sigmavrate.preparation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.domain.Reports.at;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;

/** Each window policy on real flights: what it keeps, what it leaves out, and where its windows lie. */
class WindowPolicyTest {
    private static final List<Path> FILES = List.of(Path.of("data/flights/traffic/calibration/munich.json.gz"),
            Path.of("data/flights/traffic/featured/kiwi.json.gz"),
            Path.of("data/flights/opensky/states_28d23de4.csv"),
            Path.of("data/flights/eastham/grid_20250601_36_-122.jsonl.gz"));

    private final Spec spec = SpecLoader.bundled();
    private final GridDefinition grid = spec.grid();
    private final int n = grid.windowSteps();
    private final FlightPreparation preparation = new FlightPreparation(new PreparationSettings(spec, 10 * 60_000L));

    private List<PreparedFlight> flights() throws Exception {
        List<PreparedFlight> flights = new ArrayList<>();
        for (Path file : FILES) {
            flights.addAll(preparation.prepare(FlightReaders.read(file).reports(), new RejectionLedger()));
        }
        return flights;
    }

    private static int rates(GriddedFlight g, long from, int steps) {
        int count = 0;
        for (long s = from; s < from + steps; s++) {
            if (g.has((int) s, Channel.VERTICAL_RATE)) {
                count++;
            }
        }
        return count;
    }

    @Test
    void trainingTakesEveryStrideStartWithEnoughRatesAndNoOther() throws Exception {
        WindowPolicy.Training policy = new WindowPolicy.Training(8, 0.75);
        int kept = 0;
        int dropped = 0;
        for (PreparedFlight f : flights()) {
            Set<Long> starts = new HashSet<>();
            for (WindowSpan span : policy.spans(f, grid)) {
                assertEquals(n, span.steps());
                assertEquals(0, span.startStep() % 8);
                assertTrue(rates(f.grid(), span.startStep(), n) >= 48);
                starts.add(span.startStep());
            }
            for (long from = 0; from + n <= f.grid().steps(); from += 8) {
                if (!starts.contains(from)) {
                    assertTrue(rates(f.grid(), from, n) < 48, "a window with enough rates was left out");
                    dropped++;
                }
            }
            kept += starts.size();
        }
        assertTrue(kept > 300 && dropped > 100, "kept " + kept + ", dropped " + dropped);
    }

    @Test
    void trainingCountsCoverageOverTheWholeWindow() {
        double[] rates = new double[200];
        double[] altitudes = new double[200];
        for (int i = 0; i < 200; i++) {
            rates[i] = i < 100 ? 0 : Double.NaN;
            altitudes[i] = 1000;
        }
        long t0 = 1_700_000_000_000L;
        PreparedFlight f = new PreparedFlight(new Flight("f", "abc123", "test", List.of(at("abc123", t0, 1000, 0))),
                new GriddedFlight("f", "test", t0, 10_000, rates, altitudes, new byte[200]));
        assertEquals(9, new WindowPolicy.Training(16, 0).spans(f, grid).size());
        // windows starting at 0, 16, 32 have >= 48 of 64 steps with a rate; 48 has 52 too (steps 48..99)
        assertEquals(List.of(0L, 16L, 32L, 48L),
                new WindowPolicy.Training(16, 0.75).spans(f, grid).stream().map(WindowSpan::startStep).toList());
        assertThrows(IllegalArgumentException.class, () -> new WindowPolicy.Training(0, 0.5));
        assertThrows(IllegalArgumentException.class, () -> new WindowPolicy.Training(8, 1.5));
    }

    @Test
    void evaluationWindowsHaveATruthAtEveryStepDoNotOverlapAndMissNone() throws Exception {
        WindowPolicy policy = new WindowPolicy.Evaluation();
        int windows = 0;
        for (PreparedFlight f : flights()) {
            long free = 0;
            for (WindowSpan span : policy.spans(f, grid)) {
                assertEquals(n, span.steps());
                assertEquals(n, rates(f.grid(), span.startStep(), n), "every step has a truth");
                assertTrue(span.startStep() >= free, "windows do not overlap");
                assertTrue(longestRateRun(f.grid(), free, span.startStep() + n - 1) < n,
                        "greedy: no earlier window fits before this one ends");
                free = span.endStep();
                windows++;
            }
            assertTrue(longestRateRun(f.grid(), free, f.grid().steps()) < n, "no window left after the last");
        }
        assertTrue(windows > 20, "windows: " + windows);
    }

    @Test
    void infillWindowsCoverEveryStepOnceAndOnlyTheLastIsShorter() throws Exception {
        WindowPolicy policy = new WindowPolicy.Infill();
        for (PreparedFlight f : flights()) {
            List<WindowSpan> spans = policy.spans(f, grid);
            long next = 0;
            for (int i = 0; i < spans.size(); i++) {
                WindowSpan span = spans.get(i);
                assertEquals(next, span.startStep());
                assertTrue(i == spans.size() - 1 ? span.steps() <= n : span.steps() == n);
                next = span.endStep();
            }
            assertEquals(f.grid().steps(), next);
        }
    }

    @Test
    void theTrailingWindowEndsAHorizonAfterTheLatestReport() throws Exception {
        WindowPolicy.Trailing policy = new WindowPolicy.Trailing(120_000);
        long step = grid.stepMillis();
        for (PreparedFlight f : flights()) {
            Flight flight = f.flight();
            List<WindowSpan> spans = policy.spans(f, grid);
            assertEquals(1, spans.size());
            WindowSpan span = spans.get(0);
            long end = flight.startMillis() + (span.endStep() - 1) * step;
            assertTrue(end >= flight.endMillis() + 120_000 && end < flight.endMillis() + 120_000 + step);
            assertTrue(span.steps() == n || span.startStep() == 0, "full length, or from the first report");
            GriddedFlight window = preparation.window(f, span);
            assertEquals(span.steps(), window.steps());
            assertEquals(flight.startMillis() + span.startStep() * step, window.startMillis());
        }
        // a young flight: 30 s of reports and the 120 s horizon are steps 0..15
        assertEquals(new WindowSpan(0, 16), policy.span(grid, 0, 30_000));
        // an hour old: 3,600 s + 120 s is step 372, the last of steps 309..372
        assertEquals(new WindowSpan(309, 64), policy.span(grid, 0, 3_600_000));
        assertEquals(new WindowSpan(309, 64), policy.span(grid, 0, 3_600_000 - step + 1));
        assertThrows(IllegalArgumentException.class, () -> new WindowPolicy.Trailing(-1));
    }

    private static int longestRateRun(GriddedFlight g, long from, long to) {
        int longest = 0;
        int run = 0;
        for (long s = from; s < Math.min(to, g.steps()); s++) {
            run = g.has((int) s, Channel.VERTICAL_RATE) ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return longest;
    }
}
