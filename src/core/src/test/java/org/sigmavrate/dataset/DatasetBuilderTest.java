package org.sigmavrate.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.ingest.OpenSkyCsvReader;

class DatasetBuilderTest {
    @TempDir
    Path out;

    private final Spec spec = SpecLoader.bundled();

    @Test
    void buildsConsistentArraysAndAManifestFromRealFlights() throws Exception {
        List<Path> files = FlightReaders.expand(List.of(Path.of("data/flights/traffic/calibration"),
                Path.of("data/flights/opensky")), System.err);
        assertEquals(27, files.size());
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        DatasetResult result = new DatasetBuilder(spec, new DatasetOptions(8, 0.75, 600_000, 1, 0.2, 0.2),
                FlightReaders::read, new PrintStream(progress, true, StandardCharsets.UTF_8)).build(files);
        result.write(out);

        assertTrue(progress.toString(StandardCharsets.UTF_8).contains("[27/27]"));
        JsonNode manifest = new ObjectMapper().readTree(out.resolve("manifest.json").toFile());
        assertEquals(spec.sha256(), manifest.get("spec_sha256").asText());
        assertEquals(SpecLoader.sha256(Files.readAllBytes(out.resolve("spec.json"))), spec.sha256());
        assertEquals(27, manifest.get("inputs").size());
        assertNotNull(manifest.get("inputs").get(0).get("sha256").asText());
        long windows = 0;
        for (Split split : Split.values()) {
            long n = result.windows(split);
            windows += n;
            assertEquals(n, manifest.get("splits").get(split.fileName()).get("windows").asLong());
            // a fixed order, so that the same input always writes the same bytes
            List<String> fields = new ArrayList<>();
            manifest.get("splits").get(split.fileName()).fieldNames().forEachRemaining(fields::add);
            assertEquals(List.of("flights", "windows"), fields);
            checkArrays(split, (int) n);
        }
        assertTrue(result.windows(Split.TRAIN) > 500, "calibration flights give hundreds of windows");
        long perSource = 0;
        for (SourceCounts c : result.perSource().values()) {
            perSource += c.windows(Split.TRAIN) + c.windows(Split.VAL) + c.windows(Split.TEST);
        }
        assertEquals(windows, perSource);
        assertEquals(3, result.perSource().get("opensky").flights());
        // the OpenSky flights start and end on the ground (onground=true rows), and every rejection has its reason
        assertTrue(result.rejectedByReason().get("clean:on-ground") > 1_000);
        assertEquals(result.rejectedByReason().size(), manifest.get("rejected").size());
        result.rejectedByReason().forEach((reason, n) -> assertEquals((long) n, manifest.get("rejected").get(reason).asLong()));
    }

    @Test
    void dropsAFlightAlreadyReadFromAnotherFile() throws Exception {
        // data/flights/opensky/*.csv are three of traffic/opensky_impala_*.parquet rewritten as CSV, value for value
        List<Path> csv = FlightReaders.expand(List.of(Path.of("data/flights/opensky")), System.err);
        List<Path> parquet = List.of(
                Path.of("data/flights/traffic/opensky_impala_28d23de4eabad6ea298fb639612d5e4a.parquet"),
                Path.of("data/flights/traffic/opensky_impala_47d844199f365a05b1f5e46528cb4c22.parquet"),
                Path.of("data/flights/traffic/opensky_impala_5a3cd3c3fd1305596a12f01b3d1a1df0.parquet"));
        DatasetResult csvOnly = build(csv);

        DatasetResult both = build(Stream.concat(csv.stream(), parquet.stream()).toList());

        assertEquals(3, csvOnly.flights());
        assertEquals(csvOnly.flights(), both.flights(), "the Parquet copies add no flight");
        for (Split split : Split.values()) {
            assertEquals(csvOnly.windows(split), both.windows(split), split.name());
        }
        assertEquals(csvOnly.points(), both.rejectedByReason().get("clean:" + DatasetBuilder.DUPLICATE_FLIGHT),
                "every report of the three repeated flights is counted under duplicate-flight");
        assertNull(csvOnly.rejectedByReason().get("clean:" + DatasetBuilder.DUPLICATE_FLIGHT));
    }

    @Test
    void aFlightWithOneDifferentReportIsNotARepeat() throws Exception {
        Flight flight = new Flight("4d2271-x", "4d2271", "opensky",
                new OpenSkyCsvReader().read(Path.of("data/flights/opensky/states_47d84419.csv")).reports());
        List<Report> changed = new ArrayList<>(flight.reports());
        changed.set(500, changed.get(500).withBaroAltitude(changed.get(500).baroAltitudeFt() + 25));
        RepeatedFlights repeats = new RepeatedFlights();

        assertFalse(repeats.isRepeat(flight));
        assertTrue(repeats.isRepeat(new Flight(flight.id(), flight.icao24(),
                "another-source", flight.reports())), "same id and reports, whatever the source");
        assertFalse(repeats.isRepeat(new Flight(flight.id(), flight.icao24(),
                flight.dataSource(), changed)));
        assertFalse(repeats.isRepeat(new Flight("4d2271-y", flight.icao24(),
                flight.dataSource(), flight.reports())));
    }

    private DatasetResult build(List<Path> files) {
        return new DatasetBuilder(spec, new DatasetOptions(8, 0.75, 600_000, 1, 0.2, 0.2), FlightReaders::read,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).build(files);
    }

    private void checkArrays(Split split, int n) throws Exception {
        int[] tokens = readInt32(out.resolve(split.fileName() + "_tokens.npy"), n * 128);
        float[] values = readFloat32(out.resolve(split.fileName() + "_values.npy"), n * 128);
        for (int i = 0; i < tokens.length; i++) {
            if (Float.isNaN(values[i])) {
                assertEquals(-1, tokens[i]);
            } else {
                int channel = i % 2;
                assertEquals(channel, spec.tokenizer().channelOf(tokens[i]).ordinal());
                assertEquals(tokens[i], spec.tokenizer().encode(spec.tokenizer().channelOf(tokens[i]), values[i]));
            }
        }
        List<String> index = Files.readAllLines(out.resolve(split.fileName() + "_windows.csv"));
        assertEquals("window,flight_id,source,grid_start_ms,origin", index.get(0));
        assertEquals(n + 1, index.size());
        // inputs traffic/calibration and opensky: each window names the top folder under data/flights it came from
        for (String row : index.subList(1, index.size())) {
            String origin = row.substring(row.lastIndexOf(',') + 1);
            String source = row.split(",")[2];
            assertEquals(source.equals("opensky") ? "opensky" : "traffic", origin, row);
        }
    }

    private static ByteBuffer payload(Path file, int count, int width) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(10 + headerLength + (long) count * width, bytes.length);
        return ByteBuffer.wrap(bytes, 10 + headerLength, count * width).slice().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static int[] readInt32(Path file, int count) throws Exception {
        int[] out = new int[count];
        payload(file, count, 4).asIntBuffer().get(out);
        return out;
    }

    private static float[] readFloat32(Path file, int count) throws Exception {
        float[] out = new float[count];
        payload(file, count, 4).asFloatBuffer().get(out);
        return out;
    }
}
