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
        track.accept(at("3c6586", t(100), 5500, 1500), rules);
        track.markTriggered();
        assertEquals(FlightTrack.Outcome.ACCEPTED, track.accept(at("3c6586", t(50), 4250, 1500), rules));
        assertEquals(FlightTrack.Outcome.LATE, track.accept(at("3c6586", t(30), 3750, 1500), rules));
        List<Long> times = track.reportsFrom(0, rules.grid().stepMillis()).stream().map(Report::timeMillis).toList();
        assertEquals(List.of(t(0), t(50), t(100)), times);
    }

    @Test
    void onTheGroundOrWithoutValuesAReportIsIgnored() {
        FlightTrack track = new FlightTrack("3c6586");
        assertEquals(FlightTrack.Outcome.IGNORED, track.accept(org.sigmavrate.domain.Reports.onGround("3c6586", t(0)), rules));
        assertEquals(FlightTrack.Outcome.IGNORED, track.accept(at("3c6586", t(1), Double.NaN, Double.NaN), rules));
        assertEquals(null, track.flightId(), "no flight started");
    }

    @Test
    void longSilenceStartsANewFlight() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(at("3c6586", t(0), 3000, 1500), rules);
        String first = track.flightId();
        track.accept(at("3c6586", t(11 * 60), 3000, 1500), rules);
        assertNotEquals(first, track.flightId());
        assertEquals(1, track.slotCount());
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
    }
}
