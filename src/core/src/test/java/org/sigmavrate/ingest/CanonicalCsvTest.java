package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.ingest.TestFiles.assertBalanced;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

class CanonicalCsvTest {
    private static final String HEADER = "flight_id,timestamp,latitude,longitude,altitude_ft,vertical_rate_fpm,"
            + "groundspeed_kt,track_deg\n";
    private final CanonicalCsvReader reader = new CanonicalCsvReader();

    @TempDir
    Path dir;

    @Test
    void acceptsEpochSecondsAndIsoTimestamps() throws Exception {
        Path file = TestFiles.write(dir.resolve("times.csv"), HEADER
                + "406d95_0001,1748779200,43.5,1.7,3500,-960,250,216\n"
                + "406d95_0001,1748779200.25,43.5,1.7,3500,-960,250,216\n"
                + "406d95_0001,2025-06-01T12:00:00Z,43.5,1.7,3500,-960,250,216\n"
                + "406d95_0001,2025-06-01T14:00:00.125+02:00,43.5,1.7,3500,-960,250,216\n"
                + "406d95_0001,2025-06-01T12:00:00.5,43.5,1.7,3500,-960,250,216\n"
                + "406d95_0001,2025-06-01 12:00:01Z,43.5,1.7,3500,-960,250,216\n");

        ReadResult result = reader.read(file);

        assertEquals(List.of(), result.problems());
        // 2025-06-01T12:00:00Z == 1748779200 epoch seconds
        assertEquals(List.of(1748779200000L, 1748779200250L, 1748779200000L, 1748779200125L, 1748779200500L,
                1748779201000L), result.reports().stream().map(Report::timeMillis).toList());
    }

    @Test
    void decodesFieldsAndLeavesEmptyOnesMissing() throws Exception {
        Path file = TestFiles.write(dir.resolve("fields.csv"), HEADER
                + "406d95_0001,1748779200,43.5,1.7,3500,-960,250,216\n"
                + "N611TH-3,1748779201,,,,,,\n"
                + "3376ab31,1748779202,1,2,3,NaN,4,5\n");

        List<Report> reports = reader.read(file).reports();

        Report full = reports.get(0);
        assertEquals("406d95", full.icao24());
        assertEquals("406d95_0001", full.flightIdHint());
        assertEquals(43.5, full.latitudeDeg());
        assertEquals(1.7, full.longitudeDeg());
        assertEquals(3500.0, full.baroAltitudeFt());
        assertEquals(-960.0, full.verticalRateFpm());
        assertEquals(VerticalRateSource.UNKNOWN, full.verticalRateSource());
        assertEquals(250.0, full.groundSpeedKt());
        assertEquals(216.0, full.trackDeg());
        assertEquals("csv", full.dataSource());
        Report empty = reports.get(1);
        assertEquals("N611TH-3", empty.icao24(), "not a hex prefix: the flight id stands in for the aircraft");
        assertTrue(Double.isNaN(empty.latitudeDeg()));
        assertTrue(Double.isNaN(empty.baroAltitudeFt()));
        assertTrue(Double.isNaN(empty.verticalRateFpm()));
        assertNull(empty.verticalRateSource());
        assertTrue(Double.isNaN(empty.trackDeg()));
        assertEquals("3376ab31", reports.get(2).icao24(), "hex prefix not followed by a separator");
        assertTrue(Double.isNaN(reports.get(2).verticalRateFpm()));
    }

    @Test
    void columnsInAnyOrderAndExtraColumnsIgnored() throws Exception {
        Path file = TestFiles.write(dir.resolve("order.csv"),
                "note,track_deg,groundspeed_kt,vertical_rate_fpm,altitude_ft,longitude,latitude,timestamp,flight_id\n"
                        + "\"a, quoted note\",90,120,500,1500,8.5,47.4,1700000000,abc123\n");

        Report report = reader.read(file).reports().get(0);

        assertEquals("abc123", report.icao24());
        assertEquals(47.4, report.latitudeDeg());
        assertEquals(8.5, report.longitudeDeg());
        assertEquals(1500.0, report.baroAltitudeFt());
        assertEquals(90.0, report.trackDeg());
    }

    @Test
    void badRowsAreProblemsWithTheirLineNumbers() throws Exception {
        Path file = TestFiles.write(dir.resolve("bad.csv"), HEADER
                + "abc123,1700000000,47,8,1500,0,100,90\n"
                + "abc123,1700000001,47,8,fifteen hundred,0,100,90\n"
                + "abc123,1700000002,47,8\n"
                + "\n"
                + "abc123,yesterday,47,8,1500,0,100,90\n"
                + ",1700000004,47,8,1500,0,100,90\n"
                + "abc123,1700000005000,47,8,1500,0,100,90\n"
                + "abc123,1700000006,47,8,1500,0,100,90,extra\n"
                + "abc123,1700000007,47,8,1500,0,100,90\n");

        ReadResult result = reader.read(file);

        assertBalanced(result);
        assertEquals(8, result.records(), "the blank line is no record");
        assertEquals(2, result.reports().size());
        assertEquals(List.of("3:bad-number", "4:column-count", "6:bad-timestamp", "7:missing-field",
                "8:bad-timestamp", "9:column-count"), result.problems().stream()
                .map(p -> p.location() + ":" + p.reason()).toList());
        assertTrue(result.problems().get(0).detail().contains("altitude_ft"), result.problems().get(0).detail());
    }

    @Test
    void headerWithoutTimestampIsUnreadable() throws Exception {
        Path file = TestFiles.write(dir.resolve("no_time.csv"),
                "flight_id,latitude,longitude,altitude_ft,vertical_rate_fpm,groundspeed_kt,track_deg\n"
                        + "abc123,47,8,1500,0,100,90\n");

        UnreadableFileException e = assertThrows(UnreadableFileException.class, () -> reader.read(file));

        assertTrue(e.getMessage().contains("'timestamp'"), e.getMessage());
        assertTrue(e.getMessage().contains("no_time.csv"), e.getMessage());
    }

    @Test
    void roundTripsRealFlightsThroughTheWriter() throws Exception {
        List<Report> original = new OpenSkyCsvReader().read(flights("opensky/states_5a3cd3c3.csv")).reports();
        Path file = dir.resolve("out/flights.csv.gz");

        CanonicalCsvWriter.writeReports(file, original);
        ReadResult back = reader.read(file);

        assertEquals(List.of(), back.problems());
        assertEquals(original.size(), back.reports().size());
        for (int i = 0; i < original.size(); i++) {
            Report o = original.get(i);
            Report b = back.reports().get(i);
            assertEquals(o.icao24(), b.icao24());
            assertEquals(o.icao24(), b.flightIdHint());
            assertEquals(o.timeMillis(), b.timeMillis());
            assertEquals(o.latitudeDeg(), b.latitudeDeg());
            assertEquals(o.longitudeDeg(), b.longitudeDeg());
            assertEquals(o.baroAltitudeFt(), b.baroAltitudeFt());
            assertEquals(o.verticalRateFpm(), b.verticalRateFpm());
            assertEquals(o.groundSpeedKt(), b.groundSpeedKt());
            assertEquals(o.trackDeg(), b.trackDeg());
        }
    }

    @Test
    void writesFlightsUnderTheirIds() throws Exception {
        Report report = new Report("406d95", 1486310401250L, 43.5, 1.77, 6975, Double.NaN, -960,
                VerticalRateSource.BAROMETRIC, 245.2, 216.5, false, "EZY158T", "opensky", null);
        Path file = dir.resolve("flights.csv");

        CanonicalCsvWriter.write(file, List.of(new Flight("406d95-20170205T160001Z", "406d95", "opensky",
                List.of(report)), new Flight("odd, \"id\"", "406d95", "opensky", List.of(report))));

        assertEquals(HEADER
                + "406d95-20170205T160001Z,1486310401.250,43.5,1.77,6975,-960,245.2,216.5\n"
                + "\"odd, \"\"id\"\"\",1486310401.250,43.5,1.77,6975,-960,245.2,216.5\n", Files.readString(file));
        List<Report> back = reader.read(file).reports();
        assertEquals("406d95", back.get(0).icao24());
        assertEquals("odd, \"id\"", back.get(1).flightIdHint());
    }

    @Test
    void writesPlainNumbersAndEmptyFieldsForMissingValues() throws Exception {
        StringWriter out = new StringWriter();
        try (CanonicalCsvWriter writer = new CanonicalCsvWriter(out)) {
            writer.write("f", new Report("abc123", -1500, 1e-7, 1.5e20, Double.NaN, Double.NaN, Double.NaN, null,
                    Double.NaN, Double.NaN, null, null, "x", null));
        }
        assertEquals(HEADER + "f,-1.500,0.0000001,150000000000000000000,,,,\n", out.toString());
    }

    @Test
    void refusesInfiniteValues() {
        assertThrows(IllegalArgumentException.class, () -> CanonicalCsvWriter.plain(Double.POSITIVE_INFINITY));
    }
}
