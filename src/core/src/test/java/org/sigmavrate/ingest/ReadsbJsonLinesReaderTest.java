package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

class ReadsbJsonLinesReaderTest {
    private final ReadsbJsonLinesReader reader = new ReadsbJsonLinesReader();

    @Test
    void readsEveryLineOfTheEasthamDay() throws Exception {
        ReadResult result = reader.read(flights("eastham/grid_20250601_36_-122.jsonl.gz"));

        // python3 over the gunzipped lines: 44120 lines, len({o['hex'].lower()}) == 521 (38 of them start with '~');
        //   with a field taken from o['flightdict'] when the line lacks it: baro_rate on 7620 lines, geom_rate
        //   without baro_rate on 3258, alt_geom on 10789, track missing on 769, non-blank flight on 42783
        assertEquals(44120, result.reports().size());
        assertEquals(List.of(), result.problems());
        List<Report> reports = result.reports();
        assertEquals(521, reports.stream().map(Report::icao24).distinct().count());
        assertEquals(38, reports.stream().map(Report::icao24).distinct().filter(id -> id.startsWith("~")).count());
        assertEquals(7620, count(reports, VerticalRateSource.BAROMETRIC));
        assertEquals(3258, count(reports, VerticalRateSource.GEOMETRIC));
        assertEquals(10789, reports.stream().filter(r -> !Double.isNaN(r.geoAltitudeFt())).count());
        assertEquals(769, reports.stream().filter(r -> Double.isNaN(r.trackDeg())).count());
        assertEquals(42783, reports.stream().filter(r -> r.callsign() != null).count());
    }

    @Test
    void firstLinesInProductUnits() throws Exception {
        List<Report> reports = reader.read(flights("eastham/grid_20250601_36_-122.jsonl.gz")).reports();

        // line 1: {"now":1748719389,"alt_baro":1500,"gscp":90,"lat":36.396309,"lon":-121.406873,"track":280.8,
        //          "hex":"a7f426","flight":"N611TH","flightdict":null}
        Report first = reports.get(0);
        assertEquals("a7f426", first.icao24());
        assertEquals(1748719389000L, first.timeMillis());
        assertEquals(36.396309, first.latitudeDeg());
        assertEquals(-121.406873, first.longitudeDeg());
        assertEquals(1500.0, first.baroAltitudeFt());
        assertEquals(90.0, first.groundSpeedKt());
        assertEquals(280.8, first.trackDeg());
        assertEquals(Boolean.FALSE, first.onGround());
        assertEquals("N611TH", first.callsign());
        assertEquals("readsb", first.dataSource());
        assertTrue(Double.isNaN(first.verticalRateFpm()));
        // line 3 has "baro_rate":-256 and flightdict.alt_geom 1400
        Report third = reports.get(2);
        assertEquals(-256.0, third.verticalRateFpm());
        assertEquals(VerticalRateSource.BAROMETRIC, third.verticalRateSource());
        assertEquals(1400.0, third.geoAltitudeFt());
    }

    @Test
    void acceptsAircraftJsonSnapshotsGroundAndStringNumbers(@TempDir Path dir) throws Exception {
        Path file = TestFiles.write(dir.resolve("snapshots.jsonl"), String.join("\n",
                "{\"now\":1700000000.5,\"aircraft\":[{\"hex\":\"~ABC123\",\"alt_baro\":\"ground\",\"gs\":12.5,"
                        + "\"seen_pos\":0.5},{\"hex\":\"4b1901\",\"alt_baro\":\"3500\",\"geom_rate\":-640,"
                        + "\"flight\":\"EDW24   \"}]}",
                "",
                "{\"now\":1700000001,\"hex\":\"4b1901\",\"alt_baro\":3400,\"baro_rate\":\"NaN\",\"geom_rate\":-600}"));

        ReadResult result = reader.read(file);

        assertEquals(3, result.reports().size());
        Report ground = result.reports().get(0);
        assertEquals("~abc123", ground.icao24());
        assertEquals(1700000000000L, ground.timeMillis());
        assertEquals(Boolean.TRUE, ground.onGround());
        assertTrue(Double.isNaN(ground.baroAltitudeFt()));
        assertEquals(12.5, ground.groundSpeedKt());
        Report airborne = result.reports().get(1);
        assertEquals(3500.0, airborne.baroAltitudeFt());
        assertEquals(-640.0, airborne.verticalRateFpm());
        assertEquals(VerticalRateSource.GEOMETRIC, airborne.verticalRateSource());
        assertEquals("EDW24", airborne.callsign());
        assertEquals(-600.0, result.reports().get(2).verticalRateFpm());
        assertEquals(VerticalRateSource.GEOMETRIC, result.reports().get(2).verticalRateSource());
        assertNull(result.reports().get(2).callsign());
    }

    private static long count(List<Report> reports, VerticalRateSource source) {
        return reports.stream().filter(r -> r.verticalRateSource() == source).count();
    }
}
