package org.sigmavrate.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.TinyModel;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;

/**
 * The re-forecast policy on a real flight: 406d95 (OpenSky, 1 h at 1 Hz, a training circuit: descents, two level
 * stretches of several minutes, climbs), forecast by the shipped σ-GPT with its calibrated bands, each forecast
 * published back into the track at once (as an offline replay does; the service publishes a batch later).
 */
class ReforecastPolicyTest {
    private static final Path MODEL = Path.of("models/sgpt-small-v2");
    private static final ReforecastRules CHANGES = ReforecastRules.changes(50, 60_000);
    /** The service's defaults: 120 s horizon, 10 s cadence, 60 s grace, 10 min gap, 2 reports; changes policy. */
    private static final TrackRules RULES = new TrackRules(SpecLoader.bundled().grid(), 120_000, 10_000, 60_000,
            10 * 60_000, 2).withReforecast(CHANGES);

    private static SigmaGptSession session;
    private static SigmaGptForecaster forecaster;
    private static List<Report> flight;
    private static Replay changes;

    @BeforeAll
    static void replayTheFlight() throws Exception {
        flight = new ArrayList<>(FlightReaders.read(Path.of("data/flights/opensky/states_28d23de4.csv")).reports());
        flight.sort(Comparator.comparingLong(Report::timeMillis));
        session = SigmaGptSession.open(MODEL, new SessionConfig(1, ExecutionProvider.CPU));
        ForecastSettings settings = TinyModel.settings(0, TinyModel.CONSISTENT);
        CalibratedBands bands = CalibratedBands.forModel(true, MODEL.resolve("calibration.json"), session.modelId(),
                settings.maxKnown(), settings.quantileLevels(), settings.altitudeConsistency()).bands();
        forecaster = new SigmaGptForecaster(session, settings, false, bands);
        changes = Replay.of(flight, RULES, true);
    }

    @AfterAll
    static void close() {
        session.close();
    }

    /** What the track said at one report, with what stood before it. */
    record Step(Report report, FlightTrack.Outcome outcome, Trigger trigger, StandingForecast before) {
    }

    /** A flight replayed through a track, each triggered window forecast and published at once (or never). */
    record Replay(List<Step> steps, FlightTrack track) {
        static Replay of(List<Report> reports, TrackRules rules, boolean publish) {
            WindowAssembler assembler = new WindowAssembler(SpecLoader.bundled(), rules);
            FlightTrack track = new FlightTrack("406d95");
            List<Step> steps = new ArrayList<>();
            for (Report r : reports) {
                StandingForecast before = track.standing();
                FlightTrack.Outcome outcome = track.accept(r, rules);
                Trigger trigger = outcome == FlightTrack.Outcome.TRIGGERED ? track.trigger() : null;
                steps.add(new Step(r, outcome, trigger, before));
                if (outcome != FlightTrack.Outcome.TRIGGERED) {
                    continue;
                }
                ObservedWindow request = assembler.window(track, new RejectionLedger());
                track.markTriggered();
                if (request == null || !publish) {
                    continue;
                }
                WindowForecast f = forecaster.forecast(List.of(request)).get(0);
                assertTrue(track.published(f, rules.reforecast()), "a newer forecast of the flight stands");
            }
            return new Replay(steps, track);
        }

        long count(FlightTrack.Outcome o) {
            return steps.stream().filter(s -> s.outcome == o).count();
        }

        long count(Trigger t) {
            return steps.stream().filter(s -> s.trigger == t).count();
        }

        /** The steps whose reports are in [from, to) seconds after the flight's first report. */
        List<Step> between(int fromSeconds, int toSeconds) {
            long t0 = steps.get(0).report.timeMillis();
            return steps.stream().filter(s -> s.report.timeMillis() >= t0 + fromSeconds * 1000L
                    && s.report.timeMillis() < t0 + toSeconds * 1000L).toList();
        }
    }

    private static long count(List<Step> steps, FlightTrack.Outcome o) {
        return steps.stream().filter(s -> s.outcome == o).count();
    }

    @Test
    void theCadencePolicyTriggersEveryTenSecondsAndNeverConfirms() {
        Replay cadence = Replay.of(flight, RULES.withReforecast(ReforecastRules.CADENCE), false);
        assertEquals(0, cadence.count(FlightTrack.Outcome.CONFIRMED));
        assertEquals(cadence.count(FlightTrack.Outcome.TRIGGERED), cadence.count(Trigger.CADENCE));
        // an hour at one trigger per 10 s
        assertTrue(Math.abs(cadence.count(FlightTrack.Outcome.TRIGGERED) - 360) <= 3,
                "triggers " + cadence.count(FlightTrack.Outcome.TRIGGERED));
        // a confirmation is counted where the cadence would have triggered: both policies pass the same due points
        long due = changes.count(FlightTrack.Outcome.TRIGGERED) + changes.count(FlightTrack.Outcome.CONFIRMED);
        assertTrue(due >= cadence.count(FlightTrack.Outcome.TRIGGERED), due + " due points");
    }

    @Test
    void aSteadyLevelStretchIsMostlyConfirmed() {
        // minutes 26-31 and 47-54 of the recording: level flight, rates within ±200 ft/min
        List<Step> level = new ArrayList<>(changes.between(26 * 60, 31 * 60));
        level.addAll(changes.between(47 * 60 + 30, 54 * 60));
        long triggered = count(level, FlightTrack.Outcome.TRIGGERED);
        long confirmed = count(level, FlightTrack.Outcome.CONFIRMED);
        System.out.printf("level stretches: %d triggered, %d confirmed; whole flight: %d triggered (%s), %d confirmed%n",
                triggered, confirmed, changes.count(FlightTrack.Outcome.TRIGGERED), java.util.Arrays.stream(
                        Trigger.values()).map(t -> t.label() + " " + changes.count(t)).toList(),
                changes.count(FlightTrack.Outcome.CONFIRMED));
        assertTrue(confirmed > 3 * triggered, triggered + " triggered, " + confirmed + " confirmed");
        long all = changes.count(FlightTrack.Outcome.TRIGGERED);
        // the whole circuit, climbs and descents included, skips more passes than it makes
        assertTrue(changes.count(FlightTrack.Outcome.CONFIRMED) > all, "the whole flight skips most passes");
    }

    @Test
    void aReportThatLeavesTheStandingBandTriggersAndOnlySuch() {
        long leftBand = 0;
        for (Step s : changes.steps()) {
            if (s.trigger == Trigger.LEFT_BAND) {
                leftBand++;
                assertNotNull(s.before);
                assertTrue(s.before.outsideBand(s.report.timeMillis(), s.report.verticalRateFpm(), CHANGES.bandToleranceFpm()),
                        "left its band at " + s.report.timeMillis());
            }
        }
        assertTrue(leftBand > 0, "the circuit's level-offs and descents leave their bands");
        // the level-to-descent at minute 32: within 10 s of the first report outside the band, a new forecast
        List<Step> descent = changes.between(31 * 60 + 30, 34 * 60);
        Step firstOut = descent.stream().filter(s -> s.before != null && s.report.hasVerticalRate()
                && s.before.outsideBand(s.report.timeMillis(), s.report.verticalRateFpm(), CHANGES.bandToleranceFpm())).findFirst().orElseThrow();
        Step next = descent.stream().filter(s -> s.outcome == FlightTrack.Outcome.TRIGGERED
                && s.report.timeMillis() >= firstOut.report.timeMillis()).findFirst().orElseThrow();
        assertTrue(next.report.timeMillis() - firstOut.report.timeMillis() <= 10_000,
                "re-forecast " + (next.report.timeMillis() - firstOut.report.timeMillis()) + " ms after leaving");
    }

    @Test
    void aPhaseChangeTriggersWhateverTheBand() {
        List<Step> phase = changes.steps().stream().filter(s -> s.trigger == Trigger.PHASE_CHANGE).toList();
        assertFalse(phase.isEmpty(), "the circuit's climbs and descents change the phase");
        // the climb at minute 55 is announced as one
        assertFalse(changes.between(54 * 60 + 30, 57 * 60).stream()
                .filter(s -> s.trigger == Trigger.PHASE_CHANGE || s.trigger == Trigger.LEFT_BAND).toList().isEmpty());
        for (Step s : phase) {
            assertNotNull(s.before.phase());
        }
    }

    @Test
    void noForecastStandsLongerThanTheMaxAge() {
        long maxBehind = 0;
        for (Step s : changes.steps()) {
            if (s.before != null && s.outcome != FlightTrack.Outcome.TRIGGERED && s.outcome != FlightTrack.Outcome.LATE) {
                maxBehind = Math.max(maxBehind, s.report.timeMillis() - s.before.lastReportTime());
            }
            if (s.trigger == Trigger.MAX_AGE) {
                assertTrue(s.report.timeMillis() - s.before.lastReportTime() >= 60_000);
            }
        }
        assertTrue(maxBehind < 60_000, "a standing forecast " + maxBehind + " ms behind");
        assertTrue(changes.count(Trigger.MAX_AGE) > 0, "level stretches are refreshed at the max age");
    }

    @Test
    void whileAForecastIsInFlightNoOtherIsTriggeredUntilTheMaxAge() {
        // nothing published: the first forecast "failed"; it is asked again only after the max age
        Replay unpublished = Replay.of(flight.subList(0, 300), RULES, false);
        List<Step> triggers = unpublished.steps().stream().filter(s -> s.outcome == FlightTrack.Outcome.TRIGGERED)
                .toList();
        assertTrue(triggers.size() >= 4);
        for (int i = 0; i < triggers.size(); i++) {
            assertEquals(Trigger.FIRST, triggers.get(i).trigger);
            if (i > 0) {
                long gap = triggers.get(i).report.timeMillis() - triggers.get(i - 1).report.timeMillis();
                assertTrue(gap >= 60_000 && gap <= 62_000, "gap " + gap);
            }
        }
        assertTrue(unpublished.count(FlightTrack.Outcome.CONFIRMED) > 20, "the cadence's due points are skipped");
    }

    @Test
    void theStandingForecastAndPhaseSurviveTheirBytesAndTheThirdFormatIsStillRead() throws Exception {
        FlightTrack track = changes.track();
        StandingForecast standing = track.standing();
        assertNotNull(standing);
        FlightTrack copy = FlightTrack.fromBytes("406d95", track.toBytes());
        StandingForecast again = copy.standing();
        assertEquals(standing.lastReportTime(), again.lastReportTime());
        assertEquals(standing.firstStepTime(), again.firstStepTime());
        assertEquals(standing.phase(), again.phase());
        assertArrayEquals(standing.low(), again.low());
        assertArrayEquals(standing.high(), again.high());
        assertEquals(track.phase(), copy.phase());
        assertArrayEquals(track.toBytes(), copy.toBytes());

        // format 3: format 4 less the policy's state (last due time, phase, a standing forecast's flag: none here),
        // from the format-4 writer's bytes of this track (a committed fixture)
        FlightTrack bare = Replay.of(flight.subList(0, 100), RULES, false).track();
        byte[] fourth;
        try (var in = getClass().getResourceAsStream("/tracking/406d95-100-unpublished-format4.hex")) {
            fourth = java.util.HexFormat.of().parseHex(new String(in.readAllBytes(),
                    java.nio.charset.StandardCharsets.US_ASCII).replace("\n", ""));
        }
        assertArrayEquals(bare.toBytes(), FlightTrack.fromBytes("406d95", fourth).toBytes(), "the fixture's track");
        byte[] third = java.util.Arrays.copyOf(fourth, fourth.length - (8 + 1 + 1));
        third[0] = 3;
        FlightTrack old = FlightTrack.fromBytes("406d95", third);
        assertNull(old.standing());
        assertNull(old.phase());
        assertEquals(bare.reportsFrom(0, 10_000), old.reportsFrom(0, 10_000));
        assertEquals(bare.lastSeen(), old.lastSeen());
        // its next report decides as a track whose forecast is in flight (triggered at 61 s, not yet the max age
        // old), the cadence counted from that trigger: due, so confirmed
        assertEquals(FlightTrack.Outcome.CONFIRMED, old.accept(flight.get(100), RULES));
    }

    @Test
    void aNewFlightHasNoStandingForecast() {
        FlightTrack track = FlightTrack.fromBytes("406d95", changes.track().toBytes());
        Report last = flight.get(flight.size() - 1);
        Report later = new Report(last.icao24(), last.timeMillis() + 20 * 60_000, last.latitudeDeg(),
                last.longitudeDeg(), last.baroAltitudeFt(), last.geoAltitudeFt(), last.verticalRateFpm(),
                last.verticalRateSource(), last.groundSpeedKt(), last.trackDeg(), last.onGround(), last.callsign(),
                last.dataSource(), last.flightIdHint());
        Report second = new Report(last.icao24(), later.timeMillis() + 1000, last.latitudeDeg(), last.longitudeDeg(),
                last.baroAltitudeFt(), last.geoAltitudeFt(), last.verticalRateFpm(), last.verticalRateSource(),
                last.groundSpeedKt(), last.trackDeg(), last.onGround(), last.callsign(), last.dataSource(),
                last.flightIdHint());
        track.accept(later, RULES, later.timeMillis());
        assertNull(track.standing());
        assertEquals(FlightTrack.Outcome.TRIGGERED, track.accept(second, RULES, later.timeMillis()));
        assertEquals(Trigger.FIRST, track.trigger());
    }

    @Test
    void theBandMustBeAPairOfPublishedLevels() {
        assertArrayEquals(new int[] {1, 3}, CHANGES.bandIndices(TinyModel.LEVELS));
        assertArrayEquals(new int[] {0, 4}, ReforecastRules.changes(90, 60_000).bandIndices(TinyModel.LEVELS));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ReforecastRules.changes(80, 60_000).bandIndices(TinyModel.LEVELS));
        assertTrue(e.getMessage().contains("0.1") && e.getMessage().contains("0.9"), e.getMessage());
    }

    @Test
    void adsbJitterInLevelFlightDoesNotFlipThePhase() {
        // the real flight's phase along its reports, in its level stretches (minutes 26-31, 47.5-54)
        long t0 = flight.get(0).timeMillis();
        FlightPhase phase = null;
        int phaseChanges = 0;
        int levelSignFlips = 0;
        int levelReports = 0;
        double previousRate = Double.NaN;
        for (Report r : flight) {
            if (!r.hasVerticalRate()) {
                continue;
            }
            FlightPhase next = FlightPhase.next(phase, r.verticalRateFpm(), CHANGES);
            phaseChanges += phase != null && next != phase ? 1 : 0;
            phase = next;
            long s = (r.timeMillis() - t0) / 1000;
            if ((s >= 26 * 60 && s < 31 * 60) || (s >= 47 * 60 + 30 && s < 54 * 60)) {
                levelReports++;
                assertEquals(FlightPhase.LEVEL, phase, "at " + s + " s, rate " + r.verticalRateFpm());
                levelSignFlips += Math.signum(previousRate) * Math.signum(r.verticalRateFpm()) < 0 ? 1 : 0;
            }
            previousRate = r.verticalRateFpm();
        }
        assertTrue(levelReports > 600 && levelSignFlips >= 10, levelSignFlips + " sign flips in level flight");
        // the circuit's descents, level-offs and climbs, not its jitter
        assertTrue(phaseChanges >= 8 && phaseChanges <= 30, phaseChanges + " phase changes");
        assertEquals(FlightPhase.LEVEL, FlightPhase.next(FlightPhase.LEVEL, 448, CHANGES), "inside the hysteresis");
        assertEquals(FlightPhase.CLIMB, FlightPhase.next(FlightPhase.CLIMB, 320, CHANGES), "inside the hysteresis");
        assertEquals(FlightPhase.LEVEL, FlightPhase.next(FlightPhase.CLIMB, 128, CHANGES));
        assertEquals(FlightPhase.DESCENT, FlightPhase.next(FlightPhase.LEVEL, -640, CHANGES));
    }
}
