package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.ingest.TestFiles.assertBalanced;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

class TrafficJsonReaderTest {
    private final TrafficJsonReader reader = new TrafficJsonReader();

    @Test
    void readsRowOrientedFileWithItsFirstPointInProductUnits() throws Exception {
        ReadResult result = reader.read(flights("traffic/calibration/ajaccio.json.gz"));

        // python3: len(json.load(gzip.open('data/flights/traffic/calibration/ajaccio.json.gz'))) == 2629
        assertEquals(2629, result.reports().size());
        assertEquals(List.of(), result.problems());
        assertEquals(FlightFormat.TRAFFIC_JSON, result.format());
        // python3: [0] == {"timestamp":1515748470000,"icao24":"39b415","latitude":41.891235,"longitude":8.779761,
        //   "groundspeed":158,"track":-47,"vertical_rate":1920,"callsign":"CALIBRA","altitude":1000}
        Report first = result.reports().get(0);
        assertEquals("39b415", first.icao24());
        assertEquals(1515748470000L, first.timeMillis());
        assertEquals(41.891235, first.latitudeDeg());
        assertEquals(8.779761, first.longitudeDeg());
        assertEquals(1000.0, first.baroAltitudeFt());
        assertTrue(Double.isNaN(first.geoAltitudeFt()));
        assertEquals(1920.0, first.verticalRateFpm());
        assertEquals(VerticalRateSource.BAROMETRIC, first.verticalRateSource());
        assertEquals(158.0, first.groundSpeedKt());
        assertEquals(-47.0, first.trackDeg());
        assertNull(first.onGround());
        assertEquals("CALIBRA", first.callsign());
        assertEquals("traffic", first.dataSource());
        assertNull(first.flightIdHint());
    }

    @Test
    void readsColumnOrientedFile() throws Exception {
        ReadResult result = reader.read(flights("traffic/calibration/nice.json.gz"));

        // python3: len(d['timestamp']) == 1246; first row {c: d[c]['0']}: timestamp 1576068400000, icao24 39b415,
        //   latitude 43.655754, longitude 7.206073, groundspeed 16.0, track 160.0, vertical_rate 0.0, altitude 0.0
        assertEquals(1246, result.reports().size());
        assertEquals(1246, result.records());
        Report first = result.reports().get(0);
        assertEquals("39b415", first.icao24());
        assertEquals(1576068400000L, first.timeMillis());
        assertEquals(43.655754, first.latitudeDeg());
        assertEquals(7.206073, first.longitudeDeg());
        assertEquals(0.0, first.baroAltitudeFt());
        assertEquals(0.0, first.verticalRateFpm());
        assertEquals(16.0, first.groundSpeedKt());
        assertEquals(160.0, first.trackDeg());
        assertEquals("CALIBRA", first.callsign());
    }

    @Test
    void fileWithoutIcao24GetsStandInIdFromItsName() throws Exception {
        ReadResult result = reader.read(flights("traffic/performance/fuelflow_a320.json.gz"));

        // python3: column-oriented, len(d['timestamp']) == 11808, no 'icao24' column, first key '602':
        //   timestamp 1311427389000, altitude 232.0, groundspeed 169, track -108.28125
        assertEquals(11808, result.reports().size());
        assertEquals(Set.of("~fuelflow_a320"), ids(result.reports()));
        Report first = result.reports().get(0);
        assertEquals(1311427389000L, first.timeMillis());
        assertEquals(232.0, first.baroAltitudeFt());
        assertEquals(169.0, first.groundSpeedKt());
        assertEquals(-108.28125, first.trackDeg());
        assertTrue(Double.isNaN(first.verticalRateFpm()));
        assertNull(first.verticalRateSource());
    }

    @Test
    void keepsFlightIdsAsHints() throws Exception {
        ReadResult result = reader.read(flights("traffic/firefighting/calfire.json.gz"));

        // python3: 9955 rows, len({r['icao24']}) == 45, len({r['flight_id']}) == 186;
        //   [0]: icao24 a3c6bd, flight_id N342WN_014, altitude 1050.0, geoaltitude 1000.0, vertical_rate -64.0
        assertEquals(9955, result.reports().size());
        assertEquals(45, ids(result.reports()).size());
        assertEquals(186, result.reports().stream().map(Report::flightIdHint).distinct().count());
        Report first = result.reports().get(0);
        assertEquals("a3c6bd", first.icao24());
        assertEquals("N342WN_014", first.flightIdHint());
        assertEquals(1050.0, first.baroAltitudeFt());
        assertEquals(1000.0, first.geoAltitudeFt());
        assertEquals(-64.0, first.verticalRateFpm());
    }

    @Test
    void nullsBecomeMissingValues() throws Exception {
        ReadResult result = reader.read(flights("traffic/collections/savan.json.gz"));

        // python3: 193447 rows; vertical_rate None in 2352, altitude None in 5207, onground True in 5705
        assertEquals(193447, result.reports().size());
        assertEquals(2352, result.reports().stream().filter(r -> !r.hasVerticalRate()).count());
        assertEquals(5207, result.reports().stream().filter(r -> !r.hasBaroAltitude()).count());
        assertEquals(5705, result.reports().stream().filter(r -> Boolean.TRUE.equals(r.onGround())).count());
        assertTrue(result.reports().stream().allMatch(r -> r.hasVerticalRate()
                == (r.verticalRateSource() == VerticalRateSource.BAROMETRIC)));
    }

    @Test
    void readsOnGroundFlags() throws Exception {
        ReadResult result = reader.read(flights("traffic/onground/zurich_airport.json.gz"));

        // python3: 17132 rows, 10 distinct icao24, onground True in 13926
        assertEquals(17132, result.reports().size());
        assertEquals(10, ids(result.reports()).size());
        assertEquals(13926, result.reports().stream().filter(r -> Boolean.TRUE.equals(r.onGround())).count());
    }

    @Test
    void readsEveryTrafficSampleWithoutProblems() throws Exception {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(flights("traffic"))) {
            files = walk.filter(p -> p.toString().endsWith(".json.gz")).sorted().collect(Collectors.toList());
        }
        long reports = 0;
        Set<String> aircraft = new java.util.HashSet<>();
        for (Path file : files) {
            ReadResult result = reader.read(file);
            assertEquals(List.of(), result.problems(), file.toString());
            assertBalanced(result);
            reports += result.reports().size();
            result.reports().forEach(r -> aircraft.add(r.icao24()));
        }
        // python3 over glob('data/flights/traffic/**/*.json.gz'): 73 files, 658235 rows (row and column form),
        //   949 distinct icao24 + the stand-in of fuelflow_a320 = 950
        assertEquals(73, files.size());
        assertEquals(658235, reports);
        assertEquals(950, aircraft.size());
    }

    private static Set<String> ids(List<Report> reports) {
        return reports.stream().map(Report::icao24).collect(Collectors.toSet());
    }
}
