package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.Seeds;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.spec.SpecLoader;

class FlightTrackTest {
    private final StreamingSettings settings = StreamingSettings.defaults(SpecLoader.bundled());
    private final TrackRules rules = settings.rules();
    private final WindowAssembler assembler = new WindowAssembler(SpecLoader.bundled(), rules);

    private static long t(int seconds) {
        return Fixtures.T0 + seconds * 1000L;
    }

    @Test
    void triggersAtMostOncePerCadenceOfEventTime() {
        FlightTrack track = new FlightTrack("3c6586");
        List<Integer> triggeredAt = new ArrayList<>();
        for (int s = 0; s <= 60; s += 3) {
            if (track.accept(Fixtures.domain("3c6586", t(s), 3000 + s * 25, 1500), rules) == FlightTrack.Outcome.TRIGGERED) {
                track.markTriggered();
                triggeredAt.add(s);
            }
        }
        // second report (min 2), then every >= 10 s of event time
        assertEquals(List.of(3, 15, 27, 39, 51), triggeredAt);
    }

    @Test
    void lateReportsWithinGraceAreUsedOlderOnesDropped() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(Fixtures.domain("3c6586", t(0), 3000, 1500), rules);
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
    void longSilenceStartsANewFlight() {
        FlightTrack track = new FlightTrack("3c6586");
        track.accept(Fixtures.domain("3c6586", t(0), 3000, 1500), rules);
        String first = track.flightId();
        track.accept(Fixtures.domain("3c6586", t(11 * 60), 3000, 1500), rules);
        assertNotEquals(first, track.flightId());
        assertEquals(1, track.slotCount());
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
