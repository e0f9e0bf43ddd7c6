package org.sigmavrate.tracking;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.model.baseline.PersistenceForecaster;

/**
 * The stored form of a track (format 4) is byte for byte what it was before the state was written into one buffer
 * instead of a DataOutputStream: changelogs written by earlier releases and by this one hold the same bytes for the
 * same state. The track: the first 1,500 reports of a real flight (406d95, OpenSky, 1 Hz) under the changes policy,
 * each window forecast by the persistence baseline (pure Java: the same numbers on every machine) and published back,
 * then a report held aside as a possible bad clock.
 */
class FlightTrackBytesTest {
    private static final TrackRules RULES = new TrackRules(SpecLoader.bundled().grid(), 120_000, 10_000, 60_000,
            10 * 60_000, 2).withReforecast(ReforecastRules.changes(50, 15_000));
    /** SHA-256 of the track's bytes as the DataOutputStream writer of format 4 wrote them */
    private static final String FORMAT_4_SHA256 = "d0a26d4cb8be275ac2f6ac2a035170bdc8f51a4a2750154ee64201615343de84";

    private static FlightTrack track() throws Exception {
        List<Report> flight = new ArrayList<>(FlightReaders.read(Path.of("data/flights/opensky/states_28d23de4.csv"))
                .reports());
        flight.sort(java.util.Comparator.comparingLong(Report::timeMillis));
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
        track.accept(new Report(last.icao24(), last.timeMillis() + 300_000, last.latitudeDeg(), last.longitudeDeg(),
                last.baroAltitudeFt(), last.geoAltitudeFt(), last.verticalRateFpm(), last.verticalRateSource(),
                last.groundSpeedKt(), last.trackDeg(), last.onGround(), last.callsign(), last.dataSource(),
                last.flightIdHint()), RULES);
        return track;
    }

    @Test
    void theFourthFormatsBytesAreUnchangedAndSurviveARoundTrip() throws Exception {
        FlightTrack track = track();
        assertNotNull(track.standing(), "a forecast stands");
        assertNotEquals(FlightTrack.NONE, track.heldTime(), "a report is held");
        byte[] bytes = track.toBytes();
        assertEquals(FORMAT_4_SHA256, HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
        assertArrayEquals(bytes, FlightTrack.fromBytes("406d95", bytes).toBytes());
        assertEquals(track.latest(), FlightTrack.latestOf(bytes));
        assertArrayEquals(format4(), bytes, "the committed fixture is the format-4 writer's bytes of this track");
    }

    /** The format-4 bytes of {@link #track()}, as the format-4 writer wrote them (hex, test resources). */
    static byte[] format4() throws Exception {
        try (var in = FlightTrackBytesTest.class.getResourceAsStream("/tracking/406d95-format4.hex")) {
            return HexFormat.of().parseHex(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII)
                    .replace("\n", ""));
        }
    }
}
