package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.ingest.TestFiles.assertBalanced;
import static org.sigmavrate.ingest.TestFiles.flights;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlightReadersTest {
    @TempDir
    Path dir;

    @Test
    void detectsEachRealFormatFromItsContent() throws Exception {
        assertEquals(FlightFormat.TRAFFIC_JSON, FlightReaders.detect(flights("traffic/calibration/ajaccio.json.gz")));
        assertEquals(FlightFormat.TRAFFIC_JSON, FlightReaders.detect(flights("traffic/calibration/nice.json.gz")));
        assertEquals(FlightFormat.READSB_JSONL,
                FlightReaders.detect(flights("eastham/grid_20250601_36_-122.jsonl.gz")));
        assertEquals(FlightFormat.READSB_TRACE, FlightReaders.detect(flights("traffic/readsb/trace_full_ac671b.json")));
        assertEquals(FlightFormat.FR24_JSON, FlightReaders.detect(flights("traffic/fr24/3376ab31.json")));
        assertEquals(FlightFormat.OPENSKY_CSV, FlightReaders.detect(flights("opensky/states_47d84419.csv")));
    }

    @Test
    void contentBeatsMisleadingNames() throws Exception {
        // readsb lines named like a traffic file, a gzipped trace named .json, a canonical CSV named .txt
        Path lines = Files.copy(flights("eastham/grid_20250601_36_-122.jsonl.gz"), dir.resolve("lines.json.gz"));
        Path trace = TestFiles.gzip(flights("traffic/readsb/trace_full_ac671b.json"), dir.resolve("ac671b.json"));
        Path csv = TestFiles.write(dir.resolve("export.txt"), CanonicalCsvReader.HEADER + "\nabc123,1,2,3,4,5,6,7\n");

        assertEquals(FlightFormat.READSB_JSONL, FlightReaders.detect(lines));
        assertEquals(FlightFormat.READSB_TRACE, FlightReaders.detect(trace));
        assertEquals(2500, FlightReaders.read(trace).reports().size());
        assertEquals(FlightFormat.CANONICAL_CSV, FlightReaders.detect(csv));
    }

    @Test
    void expandWalksFoldersInSortedOrderAndListsWhatItSkips() throws Exception {
        InputSelection selection = FlightReaders.expand(List.of(TestFiles.FLIGHTS));

        // find data/flights -type f: 319 files; 314 named .json/.json.gz/.jsonl.gz/.csv/.csv.gz or state-vector
        //   .parquet (73 traffic JSON, 4 FR24, 23 traces, 4 JSON lines, 3 OpenSky CSV, 203 gzipped OpenSky CSV,
        //   4 Parquet); skipped: PROVENANCE.md, eastham/LICENSE, traffic/LICENSE_traffic_MIT.md,
        //   dump1090/sample_dump1090.bin and the raw-message Parquet opensky_impala_8efd4e71...
        assertEquals(314, selection.files().size());
        assertEquals(5, selection.skippedUnsupported().size());
        assertTrue(selection.skippedUnsupported().contains(
                flights("traffic/opensky_impala_8efd4e7164d355dc0568214d15811db1.parquet")));
        assertEquals(selection.files().stream().sorted().toList(), selection.files());
        assertTrue(selection.skippedUnsupported().contains(flights("traffic/dump1090/sample_dump1090.bin")));
        assertTrue(selection.skippedUnsupported().contains(flights("PROVENANCE.md")));
    }

    @Test
    void expandForCommandsPrintsSkippedFiles() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        List<Path> files = FlightReaders.expand(List.of(flights("traffic/fr24"), flights("eastham"),
                flights("traffic/fr24/3376ab31.json")), new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(5, files.size(), "4 FR24 files + 1 JSON lines, the one named twice read once");
        assertTrue(printed.toString(StandardCharsets.UTF_8).contains("LICENSE"));
    }

    @Test
    void expandRefusesMissingInputs() {
        UnreadableFileException e = assertThrows(UnreadableFileException.class,
                () -> FlightReaders.expand(List.of(dir.resolve("nowhere"))));
        assertTrue(e.getMessage().contains("nowhere"));
    }

    @Test
    void readsAllRealDataQuickly() throws Exception {
        long started = System.nanoTime();
        Map<FlightFormat, Long> reports = new EnumMap<>(FlightFormat.class);
        List<Path> unreadable = new ArrayList<>();
        Map<String, Long> problems = new TreeMap<>();
        for (Path file : FlightReaders.expand(List.of(TestFiles.FLIGHTS)).files()) {
            ReadResult result;
            try {
                result = FlightReaders.read(file);
            } catch (UnreadableFileException e) {
                unreadable.add(file);
                continue;
            }
            assertBalanced(result);
            reports.merge(result.format(), (long) result.reports().size(), Long::sum);
            result.problems().forEach(p -> problems.merge(p.file().getFileName() + " " + p.reason(), 1L, Long::sum));
        }
        double seconds = (System.nanoTime() - started) / 1e9;

        // python3 counts, see the per-reader tests: traffic 658235, JSON lines 44120 + eastham-extra's lines with
        //   a "hex" 9614 + 4920 + 1194, traces 2500 + eastham-extra's 3930 (len(d['trace']) over its 22 files),
        //   FR24 871+305+1249+634 = 3059, OpenSky CSV 3600+1200+1396 + opensky-brazil's 570072 (csv rows),
        //   Parquet (DuckDB count(*), see ParquetStateVectorReaderTest) 70475+3600+1200+1396 = 76671
        assertEquals(Map.of(FlightFormat.TRAFFIC_JSON, 658235L, FlightFormat.READSB_JSONL, 59848L,
                FlightFormat.READSB_TRACE, 6430L, FlightFormat.FR24_JSON, 3059L, FlightFormat.OPENSKY_CSV, 576268L,
                FlightFormat.PARQUET_STATE_VECTORS, 76671L), reports);
        // python3: the 1hr and 20minutes captures have 847 and 418 lines without "hex", all {"flight": ...,
        //   "now": ...} lines (only those two keys) of the recorder; every other file reads without a problem
        assertEquals(Map.of("tests-1hr-20230829.jsonl.gz missing-field", 847L,
                "tests-20minutes-20230829.jsonl.gz missing-field", 418L), problems);
        assertEquals(List.of(), unreadable);
        // a few seconds on a laptop; the bound only catches a pathological slowdown on a busy build machine
        assertTrue(seconds < 60, "reading all samples took " + seconds + " s");
    }
}
