package org.sigmavrate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.domain.Reports.at;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.LastSeen;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;

/**
 * One aircraft's state without Kafka: segmentation by gap, grace and late drop, trigger cadence, the slots kept and
 * the window's span. The windows assembled from a track are tested in streaming's WindowAssemblerTest.
 */
class FlightTrackTest {
    private static final long T0 = Instant.parse("2023-06-01T12:00:00Z").toEpochMilli();
    /** The service's defaults: 120 s horizon, 10 s cadence, 60 s grace, 10 min gap, 2 reports. */
    private final TrackRules rules = new TrackRules(SpecLoader.bundled().grid(), 120_000, 10_000, 60_000, 10 * 60_000,
            2);

    private static long t(int seconds) {
        return T0 + seconds * 1000L;
    }

    /** 1 h of OpenSky state vectors of 406d95 at 1 Hz, in time order. */
    private static List<Report> realFlight() throws Exception {
        List<Report> reports = new ArrayList<>(FlightReaders.read(Path.of("data/flights/opensky/states_28d23de4.csv"))
                .reports());
        reports.sort(java.util.Comparator.comparingLong(Report::timeMillis));
        return reports;
    }

    @Test
    void triggersAtMostOncePerCadenceOfEventTime() {
        FlightTrack track = new FlightTrack("3c6586");
        List<Integer> triggeredAt = new ArrayList<>();
        for (int s = 0; s <= 60; s += 3) {
            if (track.accept(at("3c6586", t(s), 3000 + s * 25, 1500), rules) == FlightTrack.Outcome.TRIGGERED) {
                track.markTriggered();
                triggeredAt.add(s);
            }
        }
        // second report (min 2), then every >= 10 s of event time
        assertEquals(List.of(3, 15, 27, 39, 51), triggeredAt);
    }

    @Test
    void lateReportsWithinGraceArePlacedOlderOnesDropped() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(at("3c6586", t(0), 3000, 1500), rules);
        track.accept(at("3c6586", t(40), 4000, 1500), rules);
        track.accept(at("3c6586", t(100), 5500, 1500), rules);
        track.markTriggered();
        assertEquals(FlightTrack.Outcome.ACCEPTED, track.accept(at("3c6586", t(50), 4250, 1500), rules));
        assertEquals(FlightTrack.Outcome.LATE, track.accept(at("3c6586", t(30), 3750, 1500), rules));
        List<Long> times = track.reportsFrom(0, rules.grid().stepMillis()).stream().map(Report::timeMillis).toList();
        assertEquals(List.of(t(0), t(40), t(50), t(100)), times);
    }

    @Test
    void onTheGroundOrWithoutValuesAReportIsIgnored() {
        FlightTrack track = new FlightTrack("3c6586");
        assertEquals(FlightTrack.Outcome.IGNORED, track.accept(org.sigmavrate.domain.Reports.onGround("3c6586", t(0)), rules));
        assertEquals(FlightTrack.Outcome.IGNORED, track.accept(at("3c6586", t(1), Double.NaN, Double.NaN), rules));
        assertEquals(null, track.flightId(), "no flight started");
    }

    @Test
    void longSilenceStartsANewFlightOnceASecondReportConfirmsIt() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(at("3c6586", t(0), 3000, 1500), rules);
        String first = track.flightId();
        assertEquals(FlightTrack.Outcome.HELD, track.accept(at("3c6586", t(11 * 60), 3000, 1500), rules),
                "one report after the silence could be a bad clock");
        assertEquals(first, track.flightId());
        track.accept(at("3c6586", t(11 * 60 + 5), 3100, 1500), rules);
        assertNotEquals(first, track.flightId());
        assertEquals(FlightTrack.NONE, track.heldTime());
        assertEquals(List.of(t(660), t(665)),
                track.reportsFrom(0, rules.grid().stepMillis()).stream().map(Report::timeMillis).toList(),
                "the held report is used once confirmed");
    }

    @Test
    void aYoungFlightsWindowStartsAtItsFirstReportAndGrowsToTheGridsLength() {
        FlightTrack track = new FlightTrack("3c6586");
        for (int s = 0; s <= 30; s += 1) {
            track.accept(at("3c6586", t(s), 3000 + s * 25, 1500), rules);
        }
        assertEquals(0, track.windowStartStep(rules), "no step before the aircraft was first seen");
        assertEquals(16, track.windowSteps(rules), "steps 0..15: 30 s of reports and the 120 s horizon");
        for (int s = 31; s <= 900; s += 1) {
            track.accept(at("3c6586", t(s), 3000 + s * 25, 1500), rules);
        }
        assertEquals(64, track.windowSteps(rules));
        // the window's last step is the first at or after 900 s + 120 s
        assertEquals(102 - 63, track.windowStartStep(rules));
    }

    @Test
    void aRealHourAtOneHertzKeepsAWindowOfSlotsAndTriggersOncePerCadence() throws Exception {
        FlightTrack track = new FlightTrack("406d95");
        List<Long> triggers = new ArrayList<>();
        int late = 0;
        for (Report r : realFlight()) {
            FlightTrack.Outcome outcome = track.accept(r, rules);
            late += outcome == FlightTrack.Outcome.LATE ? 1 : 0;
            if (outcome == FlightTrack.Outcome.TRIGGERED) {
                track.markTriggered();
                triggers.add(track.latest());
            }
            assertTrue(track.slotCount() <= rules.grid().windowSteps() + 3, "slots: " + track.slotCount());
        }
        assertEquals(0, late, "a time-ordered recording has nothing late");
        assertTrue(triggers.size() > 300, "triggers: " + triggers.size());
        for (int i = 1; i < triggers.size(); i++) {
            assertTrue(triggers.get(i) - triggers.get(i - 1) >= rules.cadenceMillis(), "at " + i);
        }
        assertEquals(64, track.windowSteps(rules));
    }

    @Test
    void stateSurvivesItsBytes() throws Exception {
        List<Report> reports = realFlight();
        FlightTrack track = new FlightTrack("406d95");
        int half = reports.size() / 2;
        for (Report r : reports.subList(0, half)) {
            if (track.accept(r, rules) == FlightTrack.Outcome.TRIGGERED) {
                track.markTriggered();
            }
        }
        FlightTrack copy = FlightTrack.fromBytes("406d95", track.toBytes());
        assertEquals(track.flightId(), copy.flightId());
        assertEquals(track.reportsFrom(0, 10_000), copy.reportsFrom(0, 10_000));
        for (Report r : reports.subList(half, reports.size())) {
            FlightTrack.Outcome a = track.accept(r, rules);
            assertEquals(a, copy.accept(r, rules), "at " + r.timeMillis());
            if (a == FlightTrack.Outcome.TRIGGERED) {
                assertEquals(track.markTriggered(), copy.markTriggered(), 0.0, "the change since the last trigger");
            }
        }
        assertEquals(track.reportsFrom(0, 10_000), copy.reportsFrom(0, 10_000));
        assertEquals(track.lastSeen(), copy.lastSeen());
        assertTrue(copy.lastSeen().hasPosition() && copy.lastSeen().callsign() != null, "OpenSky gives both");
    }

    private static Report seen(long time, String callsign, double latitude, double longitude) {
        return new Report("3c6586", time, latitude, longitude, 3000, Double.NaN, 1500,
                org.sigmavrate.domain.flight.VerticalRateSource.BAROMETRIC, Double.NaN, Double.NaN, false, callsign,
                "test", null);
    }

    @Test
    void theLatestCallsignAndPositionAreKeptNotALateOrAHeldReportsAndSurviveTheBytes() {
        FlightTrack track = new FlightTrack("3c6586");
        assertEquals(LastSeen.UNKNOWN, track.lastSeen());
        track.accept(seen(t(0), null, Double.NaN, Double.NaN), rules);
        assertEquals(LastSeen.UNKNOWN, track.lastSeen());
        track.accept(seen(t(10), null, 48.1, 11.1), rules);
        track.accept(seen(t(20), "DLH4AB", 48.2, 11.2), rules);
        track.accept(seen(t(15), "LATE1", 1.0, 2.0), rules);
        track.accept(seen(t(30), null, Double.NaN, Double.NaN), rules);
        assertEquals(new LastSeen("DLH4AB", 48.2, 11.2), track.lastSeen(), "a late report does not move it back");
        track.accept(seen(t(400), "AHEAD", 50.0, 12.0), rules);
        assertEquals(new LastSeen("DLH4AB", 48.2, 11.2), track.lastSeen(), "a held report may have a bad clock");
        FlightTrack copy = FlightTrack.fromBytes("3c6586", track.toBytes());
        assertEquals(track.lastSeen(), copy.lastSeen());
        track.accept(seen(t(402), "AHEAD", 50.1, 12.1), rules);
        assertEquals(new LastSeen("AHEAD", 50.1, 12.1), track.lastSeen(), "confirmed by a second report near it");
    }

    /** Every outcome of a run of reports, and the triggers' latest times. */
    private record Run(List<FlightTrack.Outcome> outcomes, List<Long> triggers, FlightTrack track) {
        long count(FlightTrack.Outcome o) {
            return outcomes.stream().filter(x -> x == o).count();
        }
    }

    private Run run(List<Report> reports) {
        FlightTrack track = new FlightTrack("406d95");
        List<FlightTrack.Outcome> outcomes = new ArrayList<>();
        List<Long> triggers = new ArrayList<>();
        for (Report r : reports) {
            FlightTrack.Outcome o = track.accept(r, rules);
            outcomes.add(o);
            if (o == FlightTrack.Outcome.TRIGGERED) {
                track.markTriggered();
                triggers.add(track.latest());
            }
        }
        return new Run(outcomes, triggers, track);
    }

    /** The recording with one report's time moved by {@code shiftMillis} (a bad clock), left where it arrived. */
    private static List<Report> withBadClock(List<Report> reports, int index, long shiftMillis) {
        List<Report> out = new ArrayList<>(reports);
        Report r = out.get(index);
        out.set(index, new Report(r.icao24(), r.timeMillis() + shiftMillis, r.latitudeDeg(), r.longitudeDeg(),
                r.baroAltitudeFt(), r.geoAltitudeFt(), r.verticalRateFpm(), r.verticalRateSource(), r.groundSpeedKt(),
                r.trackDeg(), r.onGround(), r.callsign(), r.dataSource(), r.flightIdHint()));
        return out;
    }

    @Test
    void oneReportFarAheadDoesNotMakeTheFlightsCorrectReportsLate() throws Exception {
        List<Report> clean = realFlight();
        int at = clean.size() / 2;
        List<Report> without = new ArrayList<>(clean);
        without.remove(at);
        Run truth = run(without);
        assertTrue(run(withBadClock(clean, at, 300_000)).count(FlightTrack.Outcome.HELD) == 1);
        for (long ahead : new long[] {90_000, 300_000, 590_000}) {
            Run bad = run(withBadClock(clean, at, ahead));
            assertEquals(0, bad.count(FlightTrack.Outcome.LATE), ahead + " ms ahead: no correct report is late");
            assertEquals(FlightTrack.Outcome.HELD, bad.outcomes().get(at));
            assertEquals(FlightTrack.NONE, bad.track().heldTime(), "dropped once the flight reached its time");
            assertEquals(truth.track().flightId(), bad.track().flightId(), "no new flight");
            // the flight goes on as if the bad report had never come
            assertEquals(truth.triggers(), bad.triggers(), ahead + " ms ahead");
            assertEquals(truth.track().reportsFrom(0, 10_000), bad.track().reportsFrom(0, 10_000));
        }
    }

    @Test
    void aFlightsFirstReportFarAheadGivesWayToTheCorrectOnes() throws Exception {
        List<Report> clean = realFlight();
        Report first = clean.get(0);
        List<Report> reports = new ArrayList<>(clean.subList(1, clean.size()));
        reports.add(0, withBadClock(List.of(first), 0, 400_000).get(0));
        Run bad = run(reports);
        assertEquals(0, bad.count(FlightTrack.Outcome.LATE));
        assertEquals(FlightTrack.Outcome.ACCEPTED, bad.outcomes().get(1), "the second report restarts the flight");
        assertEquals(org.sigmavrate.domain.flight.FlightSegmenter.flightId("406d95", clean.get(1).timeMillis()), bad.track().flightId());
        Run truth = run(clean.subList(1, clean.size()));
        assertEquals(truth.triggers(), bad.triggers());
        assertEquals(truth.track().reportsFrom(0, 10_000), bad.track().reportsFrom(0, 10_000));
    }

    @Test
    void twoReportsThatAgreeOnAJumpAreBothUsed() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(at("3c6586", t(0), 3000, 1500), rules);
        track.accept(at("3c6586", t(5), 3100, 1500), rules);
        assertEquals(FlightTrack.Outcome.HELD, track.accept(at("3c6586", t(200), 8000, 1500), rules));
        assertEquals(t(5), track.latest());
        assertEquals(FlightTrack.Outcome.TRIGGERED, track.accept(at("3c6586", t(188), 7900, 1500), rules),
                "a second report near the held one confirms it, even arriving after it");
        assertEquals(t(200), track.latest());
        assertEquals(List.of(t(0), t(5), t(188), t(200)),
                track.reportsFrom(0, rules.grid().stepMillis()).stream().map(Report::timeMillis).toList());
    }

    @Test
    void aReportThatComesRightAfterTheHeldOneAndFillsTheGapConfirmsIt() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(at("3c6586", t(0), 3000, 1500), rules);
        assertEquals(FlightTrack.Outcome.HELD, track.accept(at("3c6586", t(100), 5500, 1500), rules));
        assertEquals(FlightTrack.Outcome.TRIGGERED, track.accept(at("3c6586", t(60), 4500, 1500), rules),
                "out of order across a gap: both used");
        assertEquals(List.of(t(0), t(60), t(100)),
                track.reportsFrom(0, rules.grid().stepMillis()).stream().map(Report::timeMillis).toList());
    }

    @Test
    void aHeldReportAndADataSourceOverSixtyFourKilobytesSurviveTheBytes() {
        String huge = "s".repeat(70_000);
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(new Report("3c6586", t(0), Double.NaN, Double.NaN, 3000, Double.NaN, 1500,
                org.sigmavrate.domain.flight.VerticalRateSource.BAROMETRIC, Double.NaN, Double.NaN, false, null, huge,
                null), rules);
        track.accept(at("3c6586", t(5), 3100, 1500), rules);
        track.accept(at("3c6586", t(300), 9000, 1200), rules);
        FlightTrack copy = FlightTrack.fromBytes("3c6586", track.toBytes());
        assertEquals(huge, copy.dataSource());
        assertEquals(t(300), copy.heldTime());
        assertEquals(track.accept(at("3c6586", t(302), 9050, 1200), rules),
                copy.accept(at("3c6586", t(302), 9050, 1200), rules));
        assertEquals(track.reportsFrom(0, 10_000), copy.reportsFrom(0, 10_000));
    }

    @Test
    void stateWrittenByTheFirstFormatIsStillRead() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF("opensky");
            out.writeLong(t(0));
            out.writeLong(t(10));
            out.writeLong(2);
            out.writeLong(FlightTrack.NONE);
            out.writeFloat(Float.NaN);
            out.writeFloat(Float.NaN);
            out.writeInt(2);
            for (int step = 0; step < 2; step++) {
                out.writeLong(step * (10_000 / rules.grid().stepMillis()));
                out.writeInt(0);
                out.writeFloat(1500);
                out.writeByte(0);
                out.writeInt(0);
                out.writeFloat(3000 + step * 250);
            }
        }
        FlightTrack old = FlightTrack.fromBytes("3c6586", bytes.toByteArray());
        assertEquals("opensky", old.dataSource());
        assertEquals(t(10), old.latest());
        assertEquals(t(10), FlightTrack.latestOf(bytes.toByteArray()), "read past writeUTF's 2-byte length");
        assertEquals(FlightTrack.NONE, old.heldTime());
        assertEquals(List.of(t(0), t(10)), old.reportsFrom(0, rules.grid().stepMillis()).stream().map(Report::timeMillis).toList());
        FlightTrack again = FlightTrack.fromBytes("3c6586", old.toBytes());
        assertEquals(old.reportsFrom(0, 10_000), again.reportsFrom(0, 10_000));
    }
}
