package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.ingest.TestFiles.assertBalanced;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

import blue.strategic.parquet.ParquetWriter;

class ParquetStateVectorReaderTest {
    private static final double EXACT = 1e-9;
    private static final String OSAKA = "traffic-osaka/opensky_osaka_kobe_20230401.parquet";
    private final ParquetStateVectorReader reader = new ParquetStateVectorReader();

    @TempDir
    Path dir;

    /*
     * Expected counts were obtained once with DuckDB (an implementation independent of parquet-java), through its
     * Node.js client @duckdb/node-api 1.5.6:
     *   select count(*), count(distinct icao24), count(*) filter (where baroaltitude is null),
     *          count(*) filter (where vertrate is null) from '<file>'
     * opensky_osaka_kobe_20230401: 70475, 32, 0, 0; opensky_impala_28d23de4: 3600, 1, 1, 0;
     * opensky_impala_47d84419: 1200, 1, 1, 0; opensky_impala_5a3cd3c3: 1396, 1, 762, 1181.
     * DuckDB's parquet_metadata() shows every column chunk Snappy-compressed and dictionary-encoded, and `time` an
     * INT64 timestamp in nanoseconds.
     */
    @Test
    void readsTheOsakaStateVectors() throws Exception {
        ReadResult result = reader.read(flights(OSAKA));

        assertEquals(70475, result.records());
        assertEquals(70475, result.reports().size());
        assertEquals(List.of(), result.problems());
        assertEquals(32, result.reports().stream().map(Report::icao24).distinct().count());
        assertEquals(0, result.reports().stream().filter(r -> !r.hasBaroAltitude() || !r.hasVerticalRate()).count());
        assertBalanced(result);
    }

    @Test
    void readsTheTrafficCacheFiles() throws Exception {
        check("traffic/opensky_impala_28d23de4eabad6ea298fb639612d5e4a.parquet", 3600, "406d95", 1, 0);
        check("traffic/opensky_impala_47d844199f365a05b1f5e46528cb4c22.parquet", 1200, "4d2271", 1, 0);
        check("traffic/opensky_impala_5a3cd3c3fd1305596a12f01b3d1a1df0.parquet", 1396, "4b1901", 762, 1181);
    }

    @Test
    void givesTheSameReportsAsTheCsvRewriteOfTheSameFile() throws Exception {
        // data/flights/opensky/states_47d84419.csv is this file rewritten as OpenSky CSV without changing a value
        List<Report> fromParquet = reader.read(
                flights("traffic/opensky_impala_47d844199f365a05b1f5e46528cb4c22.parquet")).reports();
        List<Report> fromCsv = new OpenSkyCsvReader().read(flights("opensky/states_47d84419.csv")).reports();

        assertEquals(fromCsv, fromParquet);
    }

    @Test
    void firstRowInProductUnits() throws Exception {
        // DuckDB: select * from '<osaka>' limit 1 -> time 2023-04-01 10:00:01+00, icao24 4841ad,
        //   lat 34.53538513183594, lon 134.72584627112565, velocity 198.15779213775147, heading 276.1102213887847,
        //   vertrate 15.60576, callsign KLM868, onground false, baroaltitude 6835.14, geoaltitude 6987.54
        Report first = reader.read(flights(OSAKA)).reports().get(0);

        assertEquals(1680343201000L, first.timeMillis());
        assertEquals("4841ad", first.icao24());
        assertEquals(34.53538513183594, first.latitudeDeg());
        assertEquals(134.72584627112565, first.longitudeDeg());
        assertEquals(198.15779213775147 * 3600 / 1852, first.groundSpeedKt(), EXACT);
        assertEquals(276.1102213887847, first.trackDeg());
        assertEquals(3072.0, first.verticalRateFpm(), EXACT);
        assertEquals(VerticalRateSource.BAROMETRIC, first.verticalRateSource());
        assertEquals(22425.0, first.baroAltitudeFt(), EXACT);
        assertEquals(22925.0, first.geoAltitudeFt(), EXACT);
        assertEquals("KLM868", first.callsign());
        assertEquals(Boolean.FALSE, first.onGround());
        assertEquals("opensky", first.dataSource());
    }

    @Test
    void isDetectedByItsMagicBytesAndFoundInFolders() throws Exception {
        assertEquals(FlightFormat.PARQUET_STATE_VECTORS, FlightReaders.detect(flights(OSAKA)));
        assertTrue(FlightReaders.looksLikeFlightFile(flights(OSAKA)));
    }

    @Test
    void readsTrafficColumnsInTrafficUnits() throws Exception {
        MessageType schema = Types.buildMessage()
                .optional(PrimitiveTypeName.INT64)
                .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS)).named("timestamp")
                .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("icao24")
                .optional(PrimitiveTypeName.DOUBLE).named("latitude")
                .optional(PrimitiveTypeName.DOUBLE).named("longitude")
                .optional(PrimitiveTypeName.DOUBLE).named("altitude")
                .optional(PrimitiveTypeName.DOUBLE).named("vertical_rate")
                .optional(PrimitiveTypeName.DOUBLE).named("groundspeed")
                .optional(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named("flight_id")
                .named("traffic");
        Path file = dir.resolve("traffic_frame.parquet");
        try (ParquetWriter<Map<String, Object>> writer = ParquetWriter.writeFile(schema, file.toFile(),
                (row, out) -> row.forEach(out::write))) {
            writer.write(Map.of("timestamp", 1_700_000_000_123_456L, "icao24", "ABC123", "latitude", 50.0,
                    "longitude", 8.0, "altitude", 12000.0, "vertical_rate", -1500.0, "groundspeed", 250.0,
                    "flight_id", "ABC123_001"));
            writer.write(Map.of("timestamp", 1_700_000_001_000_000L, "latitude", 50.0, "longitude", 8.0,
                    "altitude", 12000.0, "vertical_rate", -1500.0));
        }

        ReadResult result = reader.read(file);

        Report report = result.reports().get(0);
        assertEquals(1_700_000_000_123L, report.timeMillis(), "microseconds to milliseconds");
        assertEquals("abc123", report.icao24());
        assertEquals(12000.0, report.baroAltitudeFt(), "traffic's feet kept as they are");
        assertEquals(-1500.0, report.verticalRateFpm(), "traffic's ft/min kept as they are");
        assertEquals(250.0, report.groundSpeedKt());
        assertTrue(Double.isNaN(report.trackDeg()), "optional column absent");
        assertEquals("ABC123_001", report.flightIdHint());
        assertEquals("traffic", report.dataSource());
        assertEquals(1, result.problems().size(), "the row without icao24 is counted, not thrown");
        assertEquals(ReadProblem.MISSING_FIELD, result.problems().get(0).reason());
        assertEquals(2, result.problems().get(0).location());
        assertBalanced(result);
    }

    @Test
    void rawMessageFilesAreUnreadableWithTheirColumnsNamed() {
        // OpenSky raw Mode S messages (mintime, rawmsg, icao24): no decoded positions or rates to read
        Path file = flights("traffic/opensky_impala_8efd4e7164d355dc0568214d15811db1.parquet");
        UnreadableFileException e = assertThrows(UnreadableFileException.class, () -> FlightReaders.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("rawmsg"), e.getMessage());
        assertFalse(FlightReaders.looksLikeFlightFile(file), "skipped, and listed as such, when a folder is walked");
    }

    @Test
    void truncatedFileIsUnreadableAndNamed() throws Exception {
        Path cut = TestFiles.truncatedCopy(flights(OSAKA), dir.resolve("osaka_cut.parquet"), 0.6);

        assertEquals(FlightFormat.PARQUET_STATE_VECTORS, FlightReaders.detect(cut), "the head still says Parquet");
        assertTrue(FlightReaders.looksLikeFlightFile(cut), "kept in a folder walk, so that reading it reports the break");
        UnreadableFileException e = assertThrows(UnreadableFileException.class, () -> FlightReaders.read(cut));
        assertTrue(e.getMessage().startsWith(cut.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("Parquet"), e.getMessage());
    }

    @Test
    void fileOfAnotherFormatIsUnreadable() {
        Path csv = flights("opensky/states_47d84419.csv");
        UnreadableFileException e = assertThrows(UnreadableFileException.class, () -> reader.read(csv));
        assertTrue(e.getMessage().startsWith(csv.toString()), e.getMessage());
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
