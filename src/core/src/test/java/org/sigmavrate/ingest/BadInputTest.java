package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.ingest.TestFiles.assertBalanced;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.flight.Report;

class BadInputTest {
    @TempDir
    Path dir;

    @Test
    void truncatedGzipArrayKeepsTheRecordsBeforeTheBreak() throws Exception {
        Path source = flights("traffic/calibration/ajaccio.json.gz");
        Path cut = TestFiles.truncatedCopy(source, dir.resolve("ajaccio.json.gz"), 0.5);

        ReadResult whole = FlightReaders.read(source);
        ReadResult result = FlightReaders.read(cut);

        assertBalanced(result);
        int kept = result.reports().size();
        assertTrue(kept > 100 && kept < 2629, "kept " + kept);
        assertEquals(whole.reports().subList(0, kept), result.reports());
        assertEquals(1, result.problems().size());
        ReadProblem problem = result.problems().get(0);
        assertEquals(ReadProblem.TRUNCATED, problem.reason());
        assertEquals(kept + 1, problem.location());
        assertEquals(cut, problem.file());
    }

    @Test
    void truncatedGzipLinesKeepTheLinesBeforeTheBreak() throws Exception {
        Path cut = TestFiles.truncatedCopy(flights("eastham/grid_20250601_36_-122.jsonl.gz"),
                dir.resolve("grid.jsonl.gz"), 0.3);

        ReadResult result = FlightReaders.read(cut);

        assertBalanced(result);
        assertTrue(result.reports().size() > 1000 && result.reports().size() < 44120);
        ReadProblem last = result.problems().get(result.problems().size() - 1);
        assertEquals(ReadProblem.TRUNCATED, last.reason());
        // a line cut in the middle may be decoded as bad JSON before the gzip stream reports its end
        assertTrue(result.problems().size() <= 2, result.problems().toString());
    }

    @Test
    void truncatedGzipCsvAndTraceAndPlainJson() throws Exception {
        Path csv = TestFiles.truncatedCopy(TestFiles.gzip(flights("opensky/states_28d23de4.csv"),
                dir.resolve("states.csv.gz")), dir.resolve("cut_states.csv.gz"), 0.5);
        Path trace = TestFiles.truncatedCopy(TestFiles.gzip(flights("traffic/readsb/trace_full_ac671b.json"),
                dir.resolve("trace.json.gz")), dir.resolve("trace_full_ac671b.json.gz"), 0.5);
        Path fr24 = TestFiles.truncatedCopy(flights("traffic/fr24/34a8254b.json"), dir.resolve("34a8254b.json"), 0.5);

        for (Path cut : List.of(csv, trace, fr24)) {
            ReadResult result = FlightReaders.read(cut);
            assertBalanced(result);
            assertTrue(result.reports().size() > 100, cut + " kept " + result.reports().size());
            ReadProblem last = result.problems().get(result.problems().size() - 1);
            assertEquals(ReadProblem.TRUNCATED, last.reason(), cut.toString());
        }
    }

    @Test
    void truncatedColumnOrientedFileHasNoCompleteRecord() throws Exception {
        Path cut = TestFiles.truncatedCopy(flights("traffic/calibration/nice.json.gz"), dir.resolve("nice.json.gz"),
                0.5);

        ReadResult result = new TrafficJsonReader().read(cut);

        assertEquals(0, result.reports().size());
        assertEquals(1, result.records());
        assertEquals(ReadProblem.TRUNCATED, result.problems().get(0).reason());
    }

    @Test
    void wrongTypesInJsonRecordsAreProblemsAndTheRestIsRead() throws Exception {
        Path file = TestFiles.write(dir.resolve("mixed.json"), "[\n"
                + "{\"timestamp\":1000,\"icao24\":\"ABC123\",\"altitude\":\"abc\"},\n"
                + "{\"timestamp\":2000,\"icao24\":\"abc123\",\"altitude\":\"1500\",\"vertical_rate\":null},\n"
                + "{\"timestamp\":\"soon\",\"icao24\":\"abc123\"},\n"
                + "{\"icao24\":\"abc123\",\"altitude\":1000},\n"
                + "42,\n"
                + "{\"timestamp\":3000,\"icao24\":\"abc123\",\"latitude\":{\"deg\":1}},\n"
                + "{\"timestamp\":4000,\"icao24\":\"abc123\",\"altitude\":NaN,\"onground\":\"maybe\"},\n"
                + "{\"timestamp\":5000,\"icao24\":\"abc123\",\"altitude\":NaN,\"groundspeed\":\"NaN\"},\n"
                + "{\"timestamp\":6000,\"altitude\":1000}\n"
                + "]");

        ReadResult result = FlightReaders.read(file);

        assertBalanced(result);
        assertEquals(9, result.records());
        assertEquals(List.of(2000L, 5000L), result.reports().stream().map(Report::timeMillis).toList());
        assertEquals(1500.0, result.reports().get(0).baroAltitudeFt(), "numbers given as strings are accepted");
        assertTrue(Double.isNaN(result.reports().get(1).baroAltitudeFt()), "NaN is missing");
        assertEquals(List.of("1:bad-number", "3:bad-timestamp", "4:missing-field", "5:wrong-type", "6:wrong-type",
                "7:wrong-type", "9:missing-field"), result.problems().stream()
                .map(p -> p.location() + ":" + p.reason()).toList());
        assertTrue(result.problems().get(0).detail().contains("altitude"), result.problems().get(0).detail());
    }

    @Test
    void badJsonLinesAreProblemsWithTheirLineNumbers() throws Exception {
        Path file = TestFiles.write(dir.resolve("bad.jsonl"), String.join("\n",
                "{\"now\":1700000000,\"hex\":\"abc123\",\"alt_baro\":1000}",
                "{\"now\":1700000001,\"hex\":\"abc123\",\"alt_baro\":",
                "[1,2,3]",
                "{\"now\":1700000003,\"alt_baro\":1000}",
                "{\"now\":1700000004,\"hex\":\"abc123\",\"alt_baro\":true}",
                "{\"now\":1700000005,\"hex\":\"abc123\",\"alt_baro\":1200}"));

        ReadResult result = new ReadsbJsonLinesReader().read(file);

        assertBalanced(result);
        assertEquals(2, result.reports().size());
        assertEquals(List.of("2:bad-json", "3:wrong-type", "4:missing-field", "5:wrong-type"),
                result.problems().stream().map(p -> p.location() + ":" + p.reason()).toList());
    }

    @Test
    void shortCsvRowIsAProblemWithItsLineNumber() throws Exception {
        Path file = TestFiles.write(dir.resolve("states_short.csv"),
                "time,icao24,lat,lon,velocity,heading,vertrate,callsign,onground,baroaltitude\n"
                        + "1700000000,abc123,47,8,100,90,0,TEST,false,1000\n"
                        + "1700000001,abc123,47,8\n"
                        + "1700000002,abc123,47,8,100,ninety,0,TEST,false,1000\n");

        ReadResult result = FlightReaders.read(file);

        assertEquals(FlightFormat.OPENSKY_CSV, result.format());
        assertEquals(1, result.reports().size());
        assertEquals(List.of("3:column-count", "4:bad-number"), result.problems().stream()
                .map(p -> p.location() + ":" + p.reason()).toList());
    }

    @Test
    void emptyFilesAreUnreadable() throws Exception {
        Path empty = Files.createFile(dir.resolve("empty.csv"));
        Path blank = TestFiles.write(dir.resolve("blank.json"), "  \n\n");
        Path emptyGzip = TestFiles.gzip(empty, dir.resolve("empty.json.gz"));

        for (Path file : List.of(empty, blank, emptyGzip)) {
            UnreadableFileException e = assertThrows(UnreadableFileException.class, () -> FlightReaders.read(file));
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
        }
        for (FlightFormat format : FlightFormat.values()) {
            assertThrows(UnreadableFileException.class, () -> FlightReaders.read(empty, format), format.name());
        }
    }

    @Test
    void unknownFormatsAreUnreadableWithTheSupportedFormatsListed() throws Exception {
        Path text = TestFiles.write(dir.resolve("notes.txt"), "hello, world\n");
        Path binary = flights("traffic/dump1090/sample_dump1090.bin");
        Path otherJson = TestFiles.write(dir.resolve("package.json"), "{\"name\":\"x\",\"version\":\"1.0\"}");

        for (Path file : List.of(text, binary, otherJson)) {
            UnreadableFileException e = assertThrows(UnreadableFileException.class, () -> FlightReaders.read(file));
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("OpenSky state-vector CSV"), e.getMessage());
            assertTrue(e.getMessage().contains("readsb trace"), e.getMessage());
        }
    }

    @Test
    void missingFilesFoldersAndWrongReadersAreUnreadable() throws Exception {
        UnreadableFileException missing = assertThrows(UnreadableFileException.class,
                () -> FlightReaders.read(dir.resolve("gone.json")));
        assertTrue(missing.getMessage().contains("gone.json") && missing.getMessage().contains("no such file"));
        UnreadableFileException folder = assertThrows(UnreadableFileException.class, () -> FlightReaders.read(dir));
        assertTrue(folder.getMessage().contains("folder"), folder.getMessage());

        Path csv = flights("opensky/states_47d84419.csv");
        assertThrows(UnreadableFileException.class, () -> new TrafficJsonReader().read(csv));
        assertThrows(UnreadableFileException.class, () -> new Fr24JsonReader().read(csv));
        assertThrows(UnreadableFileException.class, () -> new ReadsbTraceReader().read(
                flights("traffic/fr24/3376ab31.json")));
        assertThrows(UnreadableFileException.class, () -> new CanonicalCsvReader().read(csv));
        Path garbageGzip = TestFiles.write(dir.resolve("junk.json.gz"), "\u001f\u008bnot really gzip");
        assertThrows(UnreadableFileException.class, () -> FlightReaders.read(garbageGzip));
    }
}
