package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

class OpenSkyCsvReaderTest {
    private static final double EXACT = 1e-9;
    private final OpenSkyCsvReader reader = new OpenSkyCsvReader();

    @Test
    void convertsSiUnits() {
        assertEquals(-960.0, OpenSkyCsvReader.metresPerSecondToFeetPerMinute(-4.8768), EXACT);
        assertEquals(196.8503937007874, OpenSkyCsvReader.metresPerSecondToFeetPerMinute(1.0), EXACT);
        assertEquals(1000.0, OpenSkyCsvReader.metresToFeet(304.8), EXACT);
        assertEquals(1.0, OpenSkyCsvReader.metresToFeet(0.3048), EXACT);
        assertEquals(1.9438444924406046, OpenSkyCsvReader.metresPerSecondToKnots(1.0), EXACT);
        assertEquals(100.0, OpenSkyCsvReader.metresPerSecondToKnots(51.44444444444444), EXACT);
        assertTrue(Double.isNaN(OpenSkyCsvReader.metresToFeet(Double.NaN)));
    }

    @Test
    void readsTheThreeDumps() throws Exception {
        // python3 csv.DictReader: rows / distinct icao24 / rows with empty baroaltitude / rows with empty vertrate
        //   states_28d23de4: 3600 / 1 (406d95) / 1 / 0; states_47d84419: 1200 / 1 (4d2271) / 1 / 0;
        //   states_5a3cd3c3: 1396 / 1 (4b1901) / 762 / 1181
        check("opensky/states_28d23de4.csv", 3600, "406d95", 1, 0);
        check("opensky/states_47d84419.csv", 1200, "4d2271", 1, 0);
        check("opensky/states_5a3cd3c3.csv", 1396, "4b1901", 762, 1181);
    }

    @Test
    void readsAGzippedBrazilTrack() throws Exception {
        // Counted once with python3 csv.DictReader over gzip.open(file, 'rt'): 2731 rows, 1 distinct icao24
        //   (e47e7e), 4 rows with an empty vertrate, 0 with an empty baroaltitude, time or icao24
        Path file = flights("opensky-brazil/statevectors_e47e7e_1711465470_1711470371.csv.gz");

        assertEquals(FlightFormat.OPENSKY_CSV, FlightReaders.detect(file));
        ReadResult result = FlightReaders.read(file);

        assertEquals(2731, result.records());
        assertEquals(2731, result.reports().size(), "every row kept");
        assertEquals(List.of(), result.problems());
        assertEquals(List.of("e47e7e"), result.reports().stream().map(Report::icao24).distinct().toList());
        assertEquals(4, result.reports().stream().filter(r -> !r.hasVerticalRate()).count());
        assertEquals(1711465470000L, result.reports().get(0).timeMillis());
        assertEquals("GLO1444", result.reports().get(0).callsign(), "trailing blank of OpenSky callsigns trimmed");
    }

    @Test
    void firstRowInProductUnits() throws Exception {
        // 1486310401,406d95,43.45139325675318,1.773768833705357,126.1437248807962,216.54276379722853,-4.8768,EZY158T,
        //   false,false,false,1000,2125.98,2065.02,1486310398.653,1486310400.959
        Report first = reader.read(flights("opensky/states_28d23de4.csv")).reports().get(0);
        assertEquals(1486310401000L, first.timeMillis());
        assertEquals(43.45139325675318, first.latitudeDeg());
        assertEquals(1.773768833705357, first.longitudeDeg());
        assertEquals(126.1437248807962 * 3600 / 1852, first.groundSpeedKt(), EXACT);
        assertEquals(216.54276379722853, first.trackDeg());
        assertEquals(-960.0, first.verticalRateFpm(), EXACT);
        assertEquals(VerticalRateSource.BAROMETRIC, first.verticalRateSource());
        assertEquals(6975.0, first.baroAltitudeFt(), EXACT);
        assertEquals(6775.0, first.geoAltitudeFt(), EXACT);
        assertEquals("EZY158T", first.callsign());
        assertEquals(Boolean.FALSE, first.onGround());
        assertEquals("opensky", first.dataSource());
    }

    @Test
    void findsColumnsByNameInAnyOrder(@TempDir Path dir) throws Exception {
        Path file = TestFiles.write(dir.resolve("reordered.csv"),
                "icao24,vertrate,time,extra,baroaltitude,lat,lon,velocity,heading\n"
                        + "ABC123,5.08,1700000000,x,3048,50,8,100,90\n");
        Report report = reader.read(file).reports().get(0);
        assertEquals("abc123", report.icao24());
        assertEquals(1000.0, report.verticalRateFpm(), EXACT);
        assertEquals(10000.0, report.baroAltitudeFt(), EXACT);
        assertEquals(1700000000000L, report.timeMillis());
        assertTrue(Double.isNaN(report.geoAltitudeFt()), "optional column absent");
    }

    @Test
    void missingRequiredColumnIsNamed(@TempDir Path dir) throws Exception {
        Path file = TestFiles.write(dir.resolve("no_vertrate.csv"),
                "time,icao24,lat,lon,velocity,heading,baroaltitude\n1700000000,abc123,50,8,100,90,3048\n");
        UnreadableFileException e = assertThrows(UnreadableFileException.class, () -> reader.read(file));
        assertTrue(e.getMessage().contains("'vertrate'"), e.getMessage());
        assertTrue(e.getMessage().contains("no_vertrate.csv"), e.getMessage());
    }

    private void check(String file, int rows, String icao24, int noAltitude, int noRate) throws Exception {
        ReadResult result = reader.read(flights(file));
        List<Report> reports = result.reports();
        assertEquals(rows, reports.size(), file);
        assertEquals(List.of(), result.problems(), file);
        assertTrue(reports.stream().allMatch(r -> r.icao24().equals(icao24)), file);
        assertEquals(noAltitude, reports.stream().filter(r -> !r.hasBaroAltitude()).count(), file);
        assertEquals(noRate, reports.stream().filter(r -> !r.hasVerticalRate()).count(), file);
    }
}
