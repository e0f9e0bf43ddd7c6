package org.sigmavrate.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.sigmavrate.domain.Reports.at;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.LastSeen;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.model.baseline.PersistenceForecaster;

/**
 * The stored form of a track. Format 5 is pinned by the SHA-256 of a real track's bytes, and every older format is
 * still read as the state it was written from: the format-4 bytes of the same track, as the format-4 writer wrote
 * them, are a committed fixture (and formats 2 and 3 are its beginning). The track: the first 1,500 reports of a real
 * flight (406d95, OpenSky, 1 Hz) under the changes policy, each window forecast by the persistence baseline (pure
 * Java: the same numbers on every machine) and published back, then a report held aside as a possible bad clock.
 */
class FlightTrackBytesTest {
    private static final TrackRules RULES = new TrackRules(SpecLoader.bundled().grid(), 120_000, 10_000, 60_000,
            10 * 60_000, 2).withReforecast(ReforecastRules.changes(50, 15_000));
    private static final long STEP = RULES.grid().stepMillis();
    private static final long T0 = Instant.parse("2023-06-01T12:00:00Z").toEpochMilli();
    /** SHA-256 of the track's bytes as the DataOutputStream writer of format 4 wrote them */
    private static final String FORMAT_4_SHA256 = "d0a26d4cb8be275ac2f6ac2a035170bdc8f51a4a2750154ee64201615343de84";
    /** SHA-256 of the track's bytes in format 5 */
    private static final String FORMAT_5_SHA256 = "84a6f9f396425ea90242034fca8a0488aaa4d84414edac80400d44139a7460f9";
    private static List<Report> flight;

    /** 406d95's reports, in time order. */
    private static List<Report> flight() throws Exception {
        if (flight == null) {
            List<Report> reports = new ArrayList<>(FlightReaders.read(
                    Path.of("data/flights/opensky/states_28d23de4.csv")).reports());
            reports.sort(java.util.Comparator.comparingLong(Report::timeMillis));
            flight = reports;
        }
        return flight;
    }

    private static Report shifted(Report r, long time) {
        return new Report(r.icao24(), time, r.latitudeDeg(), r.longitudeDeg(), r.baroAltitudeFt(), r.geoAltitudeFt(),
                r.verticalRateFpm(), r.verticalRateSource(), r.groundSpeedKt(), r.trackDeg(), r.onGround(),
                r.callsign(), r.dataSource(), r.flightIdHint());
    }

    private static FlightTrack track() throws Exception {
        List<Report> flight = flight();
        WindowAssembler assembler = new WindowAssembler(SpecLoader.bundled(), RULES);
        PersistenceForecaster forecaster = new PersistenceForecaster();
        FlightTrack track = new FlightTrack("406d95");
        for (Report r : flight.subList(0, 1500)) {
            if (track.accept(r, RULES) == FlightTrack.Outcome.TRIGGERED) {
                ObservedWindow window = assembler.window(track, new RejectionLedger());
                track.markTriggered();
                if (window != null) {
                    track.published(forecaster.forecast(List.of(window)).get(0), RULES.reforecast());
                }
            }
        }
        Report last = flight.get(1499);
        track.accept(shifted(last, last.timeMillis() + 300_000), RULES);
        return track;
    }

    @Test
    void theFifthFormatsBytesAreUnchangedAndSurviveARoundTrip() throws Exception {
        FlightTrack track = track();
        assertNotNull(track.standing(), "a forecast stands");
        assertNotEquals(FlightTrack.NONE, track.heldTime(), "a report is held");
        byte[] bytes = track.toBytes();
        System.out.printf("406d95's track: %d B in format 4, %d B in format 5%n", format4().length, bytes.length);
        assertEquals(5, bytes[0]);
        assertEquals(FORMAT_5_SHA256, sha256(bytes));
        assertArrayEquals(bytes, FlightTrack.fromBytes("406d95", bytes).toBytes());
        assertEquals(track.latest(), FlightTrack.latestOf(bytes));
    }

    @Test
    void theFourthFormatsBytesAreReadAsTheTrackTheyWereWrittenFrom() throws Exception {
        byte[] fourth = format4();
        assertEquals(FORMAT_4_SHA256, sha256(fourth), "the fixture is the format-4 writer's bytes");
        FlightTrack track = track();
        FlightTrack old = FlightTrack.fromBytes("406d95", fourth);
        assertEquals(track.latest(), FlightTrack.latestOf(fourth));
        assertSameState(track, old);
        assertArrayEquals(track.toBytes(), old.toBytes(), "written again in format 5: the track's own bytes");
        assertSameFuture(track, old, RULES, heldAndAfter(track));
    }

    /**
     * Formats 2 and 3 are format 4 without its tail: from format 3 on the callsign and position (a 4-byte length, 7
     * bytes, two doubles), from 4 the last due time, the phase, the standing forecast's flag and the forecast (4
     * longs, its phase, a 4-byte count and 12 steps of two floats).
     */
    @Test
    void theSecondAndThirdFormatsAreStillRead() throws Exception {
        FlightTrack track = track();
        byte[] fourth = format4();
        byte[] third = java.util.Arrays.copyOf(fourth, fourth.length - (8 + 1 + 1) - (4 * 8 + 1 + 4 + 12 * 8));
        third[0] = 3;
        byte[] second = java.util.Arrays.copyOf(third, third.length - (4 + 7 + 16));
        second[0] = 2;
        FlightTrack old3 = FlightTrack.fromBytes("406d95", third);
        FlightTrack old2 = FlightTrack.fromBytes("406d95", second);
        for (FlightTrack old : List.of(old3, old2)) {
            assertEquals(track.reportsFrom(0, STEP), old.reportsFrom(0, STEP));
            assertEquals(track.latest(), old.latest());
            assertEquals(track.heldTime(), old.heldTime());
            assertNull(old.standing());
            roundTrip(old);
        }
        assertEquals(track.lastSeen(), old3.lastSeen());
        assertEquals(LastSeen.UNKNOWN, old2.lastSeen());
        assertEquals(track.latest(), FlightTrack.latestOf(second));
    }

    @Test
    void anEmptyTrackSurvivesItsBytes() {
        FlightTrack empty = roundTrip(new FlightTrack("3c6586"));
        assertEquals(FlightTrack.NONE, empty.latest());
        assertNull(empty.flightId());
        assertSameFuture(new FlightTrack("3c6586"), empty, RULES, List.of(at("3c6586", t(0), 3000, 1500),
                at("3c6586", t(10), 3100, 1500)));
    }

    @Test
    void slotsOfOneChannelAndValuesThatAreNotWholeNumbersSurviveTheBytes() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(at("3c6586", t(0), Double.NaN, 1500), RULES);
        track.accept(at("3c6586", t(10), 3100, Double.NaN), RULES);
        track.accept(at("3c6586", t(20), Double.NaN, -0.0), RULES);
        track.accept(at("3c6586", t(22), 3200.5, Double.NaN), RULES);
        track.accept(at("3c6586", t(30), 3e7, 1234.567), RULES);
        track.accept(at("3c6586", t(40), -((1 << 19) - 1), 1 << 19), RULES); // the largest whole code, one past it
        track.accept(at("3c6586", t(50), 0.0, Double.POSITIVE_INFINITY), RULES);
        FlightTrack copy = roundTrip(track);
        assertEquals(7, copy.reportsFrom(0, STEP).size(), "a report per channel where their times differ");
        assertEquals(Float.floatToRawIntBits(-0.0f), Float.floatToRawIntBits(
                (float) copy.reportsFrom(0, STEP).get(2).verticalRateFpm()), "-0.0 is not 0");
        assertSameFuture(track, copy, RULES, List.of(at("3c6586", t(55), 3300, 1500)));
    }

    @Test
    void offsetsAtTheEndsOfTheirStepSurviveTheBytes() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(at("3c6586", t(0), 3000, 1500), RULES);
        track.accept(at("3c6586", t(10) - STEP / 2, 3100, 1500), RULES);
        track.accept(at("3c6586", t(20) + STEP / 2 - 1, 3200, Double.NaN), RULES);
        track.accept(at("3c6586", t(20) - STEP / 2, Double.NaN, 1600), RULES);
        FlightTrack copy = roundTrip(track);
        assertEquals(List.of(t(0), t(5), t(15), t(25) - 1),
                copy.reportsFrom(0, STEP).stream().map(Report::timeMillis).toList());
        // a grid step of 2^32 ms: offsets reach both ends of an int
        long step = 1L << 32;
        TrackRules coarse = new TrackRules(new GridDefinition(step, 8), 0, 0, 60_000, Long.MAX_VALUE / 4, 1);
        FlightTrack wide = new FlightTrack("3c6586");
        for (long time : new long[] {t(0), t(0) + step / 2, t(0) + 3 * step + step / 2 - 1}) {
            wide.accept(at("3c6586", time, 3000, 1500), coarse, time);
        }
        FlightTrack wideCopy = roundTrip(wide);
        assertEquals(List.of(t(0), t(0) + step / 2, t(0) + 3 * step + step / 2 - 1),
                wideCopy.reportsFrom(0, step).stream().map(Report::timeMillis).toList());
        assertSameState(wide, wideCopy, step);
    }

    @Test
    void aLongGapBetweenSlotsAndAHeldReportWithoutAStandingForecastSurviveTheBytes() {
        TrackRules longWindow = new TrackRules(new GridDefinition(STEP, 1000), 120_000, 10_000, 60_000,
                3 * 3_600_000, 2);
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(at("3c6586", t(0), 3000, 1500), longWindow);
        track.accept(at("3c6586", t(5000), 9000, 0), longWindow, t(5000));
        assertEquals(FlightTrack.Outcome.HELD, track.accept(at("3c6586", t(5300), 9500, 64), longWindow));
        assertNull(track.standing());
        FlightTrack copy = roundTrip(track);
        assertEquals(t(5300), copy.heldTime());
        assertSameFuture(track, copy, longWindow, List.of(at("3c6586", t(5302), 9550, 64),
                at("3c6586", t(5310), 9600, 64)));
    }

    @Test
    void anUnknownFormatOrBytesThatEndTooSoonAreRefused() throws Exception {
        byte[] bytes = track().toBytes();
        byte[] sixth = bytes.clone();
        sixth[0] = 6;
        assertThrows(IllegalStateException.class, () -> FlightTrack.fromBytes("406d95", sixth));
        assertThrows(IllegalStateException.class, () -> FlightTrack.latestOf(sixth));
        for (int n : new int[] {1, 9, 40, bytes.length / 2, bytes.length - 1}) {
            assertThrows(RuntimeException.class,
                    () -> FlightTrack.fromBytes("406d95", java.util.Arrays.copyOf(bytes, n)), n + " bytes");
        }
    }

    private static long t(int seconds) {
        return T0 + seconds * 1000L;
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    /** Its bytes read back: the same bytes again, the same state. */
    private static FlightTrack roundTrip(FlightTrack track) {
        byte[] bytes = track.toBytes();
        FlightTrack copy = FlightTrack.fromBytes(track.icao24(), bytes);
        assertArrayEquals(bytes, copy.toBytes());
        assertEquals(track.latest(), FlightTrack.latestOf(bytes));
        assertSameState(track, copy);
        return copy;
    }

    private static void assertSameState(FlightTrack expected, FlightTrack actual) {
        assertSameState(expected, actual, STEP);
    }

    private static void assertSameState(FlightTrack expected, FlightTrack actual, long stepMillis) {
        assertEquals(expected.flightStart(), actual.flightStart());
        assertEquals(expected.latest(), actual.latest());
        assertEquals(expected.flightId(), actual.flightId());
        assertEquals(expected.slotCount(), actual.slotCount());
        assertEquals(expected.reportsFrom(Long.MIN_VALUE, stepMillis), actual.reportsFrom(Long.MIN_VALUE, stepMillis));
        assertEquals(expected.heldTime(), actual.heldTime());
        assertEquals(expected.lastSeen(), actual.lastSeen());
        assertEquals(expected.phase(), actual.phase());
        assertEquals(expected.dataSource(), actual.dataSource());
        StandingForecast a = expected.standing();
        StandingForecast b = actual.standing();
        assertEquals(a == null, b == null, "a standing forecast");
        if (a != null) {
            assertEquals(List.of(a.flightStart(), a.lastReportTime(), a.firstStepTime(), a.stepMillis()),
                    List.of(b.flightStart(), b.lastReportTime(), b.firstStepTime(), b.stepMillis()));
            assertEquals(a.phase(), b.phase());
            assertArrayEquals(a.low(), b.low());
            assertArrayEquals(a.high(), b.high());
        }
    }

    /** The two tracks take the same reports alike: the same outcomes and priorities, the same state after. */
    private static void assertSameFuture(FlightTrack expected, FlightTrack actual, TrackRules rules,
            List<Report> reports) {
        for (Report r : reports) {
            FlightTrack.Outcome outcome = expected.accept(r, rules);
            assertEquals(outcome, actual.accept(r, rules), "at " + r.timeMillis());
            assertEquals(expected.trigger(), actual.trigger());
            if (outcome == FlightTrack.Outcome.TRIGGERED) {
                assertEquals(expected.markTriggered(), actual.markTriggered(), 0.0);
            }
        }
        assertSameState(expected, actual);
        assertArrayEquals(expected.toBytes(), actual.toBytes());
    }

    /**
     * The real flight's reports after the track's, first one next to the held report (it confirms it), then a
     * minute of them at 1 Hz: the held report, the re-forecast policy's state and the standing forecast are used.
     */
    private static List<Report> heldAndAfter(FlightTrack track) throws Exception {
        List<Report> out = new ArrayList<>();
        for (Report r : flight().subList(1500, 1560)) {
            out.add(shifted(r, track.heldTime() + 2_000 + (r.timeMillis() - flight().get(1500).timeMillis())));
        }
        return out;
    }

    /** The format-4 bytes of {@link #track()}, as the format-4 writer wrote them (hex, test resources). */
    static byte[] format4() throws Exception {
        try (var in = FlightTrackBytesTest.class.getResourceAsStream("/tracking/406d95-format4.hex")) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                    .replace("\n", ""));
        }
    }
}
