package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

class ReadsbTraceReaderTest {
    private static final Path TRACE = flights("traffic/readsb/trace_full_ac671b.json");
    private final ReadsbTraceReader reader = new ReadsbTraceReader();

    @Test
    void readsEveryTracePoint() throws Exception {
        ReadResult result = reader.read(TRACE);

        // python3: len(d['trace']) == 2500, p[3] == 'ground' in 394, p[7] or p[11] not None in 2130,
        //   p[10] not None in 2183, flags never has bit 4 (all rates barometric)
        assertEquals(2500, result.reports().size());
        assertEquals(List.of(), result.problems());
        List<Report> reports = result.reports();
        assertEquals(394, reports.stream().filter(r -> Boolean.TRUE.equals(r.onGround())).count());
        assertEquals(2130, reports.stream().filter(Report::hasVerticalRate).count());
        assertTrue(reports.stream().filter(Report::hasVerticalRate)
                .allMatch(r -> r.verticalRateSource() == VerticalRateSource.BAROMETRIC));
        assertEquals(2183, reports.stream().filter(r -> !Double.isNaN(r.geoAltitudeFt())).count());
    }

    @Test
    void firstAndLastPoints() throws Exception {
        List<Report> reports = reader.read(TRACE).reports();

        // "timestamp": 1738703622.619; trace[0] = [0.00,16.777359,-88.036868,32000,478.6,327.8,1,0,null,
        //   "adsb_icao",33825,32,280,0.0]
        Report first = reports.get(0);
        assertEquals("ac671b", first.icao24());
        assertEquals(1738703622619L, first.timeMillis());
        assertEquals(16.777359, first.latitudeDeg());
        assertEquals(-88.036868, first.longitudeDeg());
        assertEquals(32000.0, first.baroAltitudeFt());
        assertEquals(33825.0, first.geoAltitudeFt());
        assertEquals(478.6, first.groundSpeedKt());
        assertEquals(327.8, first.trackDeg());
        assertEquals(0.0, first.verticalRateFpm());
        assertEquals(Boolean.FALSE, first.onGround());
        assertEquals("readsb-trace", first.dataSource());
        assertNull(first.callsign(), "no details object with a callsign yet");
        // trace[-1] = [81655.47, 39.877403, -104.63974, 'ground', 58.5, 270.0, 0, -64, {... 'flight': 'DAL2927 '}, ...]
        Report last = reports.get(reports.size() - 1);
        assertEquals(1738703622619L + 81655470L, last.timeMillis());
        assertEquals(Boolean.TRUE, last.onGround());
        assertTrue(Double.isNaN(last.baroAltitudeFt()));
        assertEquals(-64.0, last.verticalRateFpm());
        assertEquals("DAL2927", last.callsign());
    }

    @Test
    void carriesCallsignsForwardButNotAcrossANewLeg() throws Exception {
        List<Report> reports = reader.read(TRACE).reports();

        // python3, carrying details.flight forward and clearing it at flags & 2:
        //   DAL1812 767, DAL2927 693, DAL2418 561, DAL1615 471, none 8 (3 before the first details, 5 after new legs)
        Map<String, Long> byCallsign = reports.stream().collect(Collectors.groupingBy(
                r -> Objects.requireNonNullElse(r.callsign(), "none"), Collectors.counting()));
        assertEquals(Map.of("DAL1812", 767L, "DAL2927", 693L, "DAL2418", 561L, "DAL1615", 471L, "none", 8L),
                byCallsign);
    }

    @Test
    void flagsTellGeometricRatesAndAltitudes(@TempDir Path dir) throws Exception {
        Path file = TestFiles.write(dir.resolve("trace_full_abcdef.json"), "{\"icao\":\"ABCDEF\",\"trace\":["
                + "[1.5,50.0,8.0,12000,300,90,4,-1200,{\"flight\":\"TEST1 \"},\"adsb_icao\",12500,-1200,250,0],"
                + "[2.5,50.1,8.1,12400,300,90,8,null,null,\"adsb_icao\",null,-1100,250,0],"
                + "[3.5,50.2,8.2,null,300,90,0,null,null],"
                + "[4.5,50.3]],"
                + "\"timestamp\":1700000000}");

        ReadResult result = reader.read(file);

        Function<Integer, Report> report = i -> result.reports().get(i);
        assertEquals(3, result.reports().size());
        assertEquals(VerticalRateSource.GEOMETRIC, report.apply(0).verticalRateSource());
        assertEquals(1700000001500L, report.apply(0).timeMillis());
        assertEquals("abcdef", report.apply(0).icao24());
        assertEquals(12400.0, report.apply(1).geoAltitudeFt(), "flag 8: the altitude is geometric");
        assertTrue(Double.isNaN(report.apply(1).baroAltitudeFt()));
        assertEquals(-1100.0, report.apply(1).verticalRateFpm(), "no rate at index 7: geometric rate at 11");
        assertEquals(VerticalRateSource.GEOMETRIC, report.apply(1).verticalRateSource());
        assertEquals("TEST1", report.apply(2).callsign());
        assertNull(report.apply(2).onGround());
        assertEquals(1, result.problems().size());
        assertEquals(ReadProblem.COLUMN_COUNT, result.problems().get(0).reason());
        assertEquals(4, result.problems().get(0).location());
    }
}
