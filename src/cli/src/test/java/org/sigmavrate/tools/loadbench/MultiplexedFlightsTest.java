package org.sigmavrate.tools.loadbench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.streaming.Replay;

class MultiplexedFlightsTest {
    /** One recorded aircraft, its airborne stretches split at gaps: a few templates. */
    private static final Path ONE_FLIGHT =
            Path.of("data/flights/opensky-brazil/statevectors_e47e7e_1711465470_1711470371.csv.gz");

    private static List<Report> reports() throws IOException {
        return Replay.load(List.of(ONE_FLIGHT), System.err);
    }

    @Test
    void virtualAircraftHaveTheirOwnIdAndTheGivenEventTime() throws IOException {
        MultiplexedFlights flights = MultiplexedFlights.from(reports(), 300);
        assertTrue(flights.templates() >= 1);
        for (int a : new int[] {0, 1, 4095}) {
            SurveillanceReport r = flights.report(a, 17, 1_700_000_000_000L + a);
            assertEquals(MultiplexedFlights.icao24(a), r.getIcao24());
            assertEquals(Instant.ofEpochMilli(1_700_000_000_000L + a), r.getEventTime());
            assertFalse(r.getOnGround());
        }
        assertEquals("f00000", MultiplexedFlights.icao24(0));
        assertEquals("f00fff", MultiplexedFlights.icao24(4095));
    }

    @Test
    void aircraftTemplatesApartShareATemplateFromTheirOwnOffsets() throws IOException {
        MultiplexedFlights flights = MultiplexedFlights.from(reports(), 300);
        int m = flights.templates();
        assertTrue(m > 1, "the file holds several airborne stretches: " + m);
        assertTrue(flights.templateSeconds() >= 300L * m, "each template lasts at least the minimum");
        // aircraft a + m plays aircraft a's template, m * 7919 s further on: the same sample, 7919 s * m earlier
        for (long s : new long[] {0, 123, 5000}) {
            SurveillanceReport a = flights.report(2, s + 7919L * m, 0);
            SurveillanceReport b = flights.report(2 + m, s, 0);
            assertEquals(a.getBaroAltitudeFt(), b.getBaroAltitudeFt());
            assertEquals(a.getVerticalRateFpm(), b.getVerticalRateFpm());
            assertEquals(a.getLatitudeDeg(), b.getLatitudeDeg());
        }
        // two aircraft on the same template do not fly in step (else their windows would be identical)
        int differ = 0;
        for (long s = 0; s < 60; s++) {
            if (!Objects.equals(flights.report(0, s, 0).getLatitudeDeg(), flights.report(m, s, 0).getLatitudeDeg())) {
                differ++;
            }
        }
        assertNotEquals(0, differ);
    }

    @Test
    void refusesAnInputWithoutALongEnoughStretch() throws IOException {
        List<Report> reports = reports();
        assertThrows(IllegalArgumentException.class, () -> MultiplexedFlights.from(reports, 1_000_000));
    }
}
