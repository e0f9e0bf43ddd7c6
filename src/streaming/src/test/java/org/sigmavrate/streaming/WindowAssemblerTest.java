package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.batching.PendingWindow;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.Seeds;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.preparation.FlightPreparation;
import org.sigmavrate.preparation.PreparationSettings;
import org.sigmavrate.preparation.PreparedFlight;
import org.sigmavrate.preparation.WindowPolicy;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.TrackRules;
import org.sigmavrate.tracking.WindowAssembler;

/**
 * The window assembled from a flight's track: its span, horizon and observed steps, the late report in it, its seed,
 * the same window after the state's bytes, and against the offline pipeline: a real flight replayed report by report
 * through the track gives, at every trigger, the {@link WindowPolicy.Trailing} window that the pipeline cuts from the
 * reports so far, with the same seed. The track's own rules are tested in the core's FlightTrackTest.
 */
class WindowAssemblerTest {
    private final Spec spec = SpecLoader.bundled();
    private final TrackRules rules = Fixtures.settings(spec).rules();
    private final WindowAssembler assembler = new WindowAssembler(spec, rules);
    private final FlightPreparation preparation =
            new FlightPreparation(new PreparationSettings(spec, rules.maxGapMillis()));
    private final WindowPolicy.Trailing trailing = new WindowPolicy.Trailing(rules.horizonMillis());

    /** Per trigger: the service's window and the pipeline's window of the reports so far. */
    private List<ObservedWindow[]> replay(Path file) throws Exception {
        List<Report> reports = new ArrayList<>(FlightReaders.read(file).reports());
        reports.sort(Comparator.comparingLong(Report::timeMillis));
        FlightTrack track = new FlightTrack(reports.get(0).icao24());
        List<Report> soFar = new ArrayList<>();
        List<ObservedWindow[]> pairs = new ArrayList<>();
        for (Report r : reports) {
            assertEquals(track.icao24(), r.icao24(), "a one-aircraft file");
            FlightTrack.Outcome outcome = track.accept(r, rules);
            soFar.add(r);
            if (outcome != FlightTrack.Outcome.TRIGGERED) {
                continue;
            }
            track.markTriggered();
            ObservedWindow service = assembler.window(track, new RejectionLedger());
            assertNotNull(service);
            List<PreparedFlight> flights = preparation.prepare(soFar, new RejectionLedger());
            PreparedFlight current = flights.get(flights.size() - 1);
            GriddedFlight offline = preparation.window(current, trailing.spans(current, spec.grid()).get(0));
            pairs.add(new ObservedWindow[] {service,
                    new ObservedWindow(r.icao24(), offline, current.flight().endMillis(), Seeds.of(offline))});
        }
        return pairs;
    }

    @Test
    void theServiceWindowIsThePipelinesTrailingWindowWithTheSameSeed() throws Exception {
        List<ObservedWindow[]> pairs = replay(Path.of("data/flights/traffic/calibration/munich.json.gz"));
        assertTrue(pairs.size() > 1000, "triggers: " + pairs.size());
        for (ObservedWindow[] pair : pairs) {
            ObservedWindow service = pair[0];
            ObservedWindow offline = pair[1];
            assertEquals(offline.window().flightId(), service.window().flightId());
            assertEquals(offline.window().startMillis(), service.window().startMillis());
            assertEquals(offline.steps(), service.steps());
            assertEquals(offline.seed(), service.seed());
            for (int s = 0; s < service.steps(); s++) {
                for (Channel c : Channel.values()) {
                    double expected = offline.value(s, c);
                    // the track keeps values as floats
                    assertEquals(expected, service.value(s, c), Double.isNaN(expected) ? 0 : Math.ulp((float) expected),
                            c + " at step " + s + " of " + service.window().flightId());
                }
            }
        }
    }

    @Test
    void seedsAgreeEvenWhereTheServiceCleansFewerNeighbours() throws Exception {
        // the track keeps one report per step and the recent steps only, so a rate derived at a window's edge may
        // differ from one derived over the whole flight; the window and its seed do not
        for (ObservedWindow[] pair : replay(Path.of("data/flights/traffic/featured/elal747.json.gz"))) {
            assertEquals(pair[1].window().startMillis(), pair[0].window().startMillis());
            assertEquals(pair[1].seed(), pair[0].seed());
        }
    }

    @Test
    void tracksOnAnotherGridThanTheSpecsAreRefused() {
        GridDefinition other = new GridDefinition(spec.grid().stepMillis() * 2, spec.grid().windowSteps());
        TrackRules onOther = new TrackRules(other, rules.horizonMillis(), rules.cadenceMillis(), rules.graceMillis(),
                rules.maxGapMillis(), rules.minReports());
        assertThrows(IllegalArgumentException.class, () -> new WindowAssembler(spec, onOther));
    }

    private static long t(int seconds) {
        return Fixtures.T0 + seconds * 1000L;
    }

    @Test
    void lateReportsWithinGraceAreUsedOlderOnesDropped() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(Fixtures.domain("3c6586", t(0), 3000, 1500), rules);
        track.accept(Fixtures.domain("3c6586", t(40), 4000, 1500), rules); // 100 s after 0 would wait (FlightTrack)
        track.accept(Fixtures.domain("3c6586", t(100), 5500, 1500), rules);
        track.markTriggered();
        assertEquals(FlightTrack.Outcome.ACCEPTED, track.accept(Fixtures.domain("3c6586", t(50), 4250, 1500), rules));
        assertEquals(FlightTrack.Outcome.LATE, track.accept(Fixtures.domain("3c6586", t(30), 3750, 1500), rules));
        ObservedWindow w = assembler.window(track, new RejectionLedger());
        assertNotNull(w);
        int step50 = (int) ((t(50) - w.window().startMillis()) / 10_000);
        assertEquals(4250, w.value(step50, Channel.ALTITUDE), 1e-6);
    }

    @Test
    void windowEndsAtLatestReportPlusHorizonAndKeepsOnlyAWindowOfSlots() {
        FlightTrack track = new FlightTrack("3c6586");
        for (int s = 0; s <= 3600; s += 1) {
            track.accept(Fixtures.domain("3c6586", t(s), 3000 + s * 25, 1500), rules);
        }
        assertTrue(track.slotCount() <= rules.grid().windowSteps() + 3, "slots: " + track.slotCount());
        ObservedWindow w = assembler.window(track, new RejectionLedger());
        long end = w.window().timeOf(w.steps() - 1);
        assertTrue(end >= t(3600) + rules.horizonMillis() && end < t(3600) + rules.horizonMillis() + 10_000);
        assertEquals(64, w.steps());
        assertTrue(w.observed(50, Channel.VERTICAL_RATE));
        assertTrue(!w.observed(63, Channel.VERTICAL_RATE), "the horizon is not observed");
        assertEquals(Seeds.of(w.window().flightId(), w.window().startMillis()), w.seed());
    }

    @Test
    void aShorterWindowKeepsOnlyItsOwnSlotsAndEndsWhereTheModelsWould() {
        TrackRules shorter = rules.withWindowSteps(24);
        WindowAssembler shortAssembler = new WindowAssembler(spec, shorter);
        FlightTrack track = new FlightTrack("3c6586");
        FlightTrack full = new FlightTrack("3c6586");
        for (int s = 0; s <= 3600; s += 1) {
            track.accept(Fixtures.domain("3c6586", t(s), 3000 + s * 25, 1500), shorter);
            full.accept(Fixtures.domain("3c6586", t(s), 3000 + s * 25, 1500), rules);
        }
        assertTrue(track.slotCount() <= 24 + 3, "slots: " + track.slotCount());
        assertTrue(track.toBytes().length < full.toBytes().length / 2, track.toBytes().length + " bytes");
        ObservedWindow w = shortAssembler.window(track, new RejectionLedger());
        ObservedWindow f = assembler.window(full, new RejectionLedger());
        assertEquals(24, w.steps());
        assertEquals(f.window().timeOf(f.steps() - 1), w.window().timeOf(w.steps() - 1));
        // the same grid: its steps are the model's window's last 24
        for (int s = 0; s < 24; s++) {
            for (Channel c : Channel.values()) {
                assertEquals(f.observed(40 + s, c), w.observed(s, c));
                if (w.observed(s, c)) {
                    assertEquals(f.value(40 + s, c), w.value(s, c), 1e-9);
                }
            }
        }
        assertThrows(IllegalArgumentException.class, () -> rules.withWindowSteps(65), "longer than the model's");
        assertThrows(IllegalArgumentException.class, () -> rules.withWindowSteps(12), "no longer than the horizon");
    }

    @Test
    void aYoungFlightsWindowStartsAtItsFirstReportAndGrowsToTheGridsLength() {
        FlightTrack track = new FlightTrack("3c6586");
        for (int s = 0; s <= 30; s += 1) {
            track.accept(Fixtures.domain("3c6586", t(s), 3000 + s * 25, 1500), rules);
        }
        ObservedWindow young = assembler.window(track, new RejectionLedger());
        assertEquals(t(0), young.window().startMillis(), "no step before the aircraft was first seen");
        assertEquals(16, young.steps(), "steps 0..15: 30 s of reports and the 120 s horizon");
        assertEquals(16, track.windowSteps(rules));
        assertTrue(young.observed(0, Channel.ALTITUDE) && young.observed(3, Channel.ALTITUDE));
        assertTrue(!young.observed(4, Channel.ALTITUDE), "the horizon is not observed");
        for (int s = 31; s <= 900; s += 1) {
            track.accept(Fixtures.domain("3c6586", t(s), 3000 + s * 25, 1500), rules);
        }
        ObservedWindow grown = assembler.window(track, new RejectionLedger());
        assertEquals(64, grown.steps());
        assertEquals(t(900) + rules.horizonMillis(), grown.window().timeOf(63), 10_000);
    }

    @Test
    void stateSurvivesItsBytes() {
        FlightTrack track = new FlightTrack("3c6586");
        for (int s = 0; s <= 300; s += 7) {
            track.accept(Fixtures.domain("3c6586", t(s), 3000 + s * 25, 1500), rules);
        }
        track.markTriggered();
        FlightTrack copy = FlightTrack.fromBytes("3c6586", track.toBytes());
        ObservedWindow a = assembler.window(track, new RejectionLedger());
        ObservedWindow b = assembler.window(copy, new RejectionLedger());
        assertEquals(track.flightId(), copy.flightId());
        assertEquals(a.steps(), b.steps());
        for (int s = 0; s < a.steps(); s++) {
            assertEquals(a.value(s, Channel.ALTITUDE), b.value(s, Channel.ALTITUDE), 0.0);
            assertEquals(a.value(s, Channel.VERTICAL_RATE), b.value(s, Channel.VERTICAL_RATE), 0.0);
        }
        List<PendingWindow> round = PendingWindow.decode(PendingWindow.encode(List.of(new PendingWindow(a, 3.5, 7))));
        assertEquals(a.seed(), round.get(0).window().seed());
        assertEquals(a.value(20, Channel.ALTITUDE), round.get(0).window().value(20, Channel.ALTITUDE), 0.0);
    }

    @Test
    void seedsAreStableAndDistinct() {
        assertEquals(Seeds.of("3c6586-20230601T120000Z", 1000), Seeds.of("3c6586-20230601T120000Z", 1000));
        assertNotEquals(Seeds.of("3c6586-20230601T120000Z", 1000), Seeds.of("3c6586-20230601T120000Z", 11000));
        assertNotEquals(Seeds.of("3c6586-20230601T120000Z", 1000), Seeds.of("3c6587-20230601T120000Z", 1000));
        assertEquals(-1, EventTimeExtractor.eventTime(new byte[] {1, 2, 3}));
        assertEquals(t(42), EventTimeExtractor.eventTime(Fixtures.bytes(Fixtures.climbing("3c6586", t(42)))));
    }
}
