package org.sigmavrate.dataset;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.sigmavrate.domain.flight.Flight;

/** A built dataset: its windows per split, and the accounting of everything read and set aside. */
public final class DatasetResult {
    public static final String MANIFEST = "manifest.json";
    public static final String SPEC = "spec.json";

    private final DatasetBuilder built;

    DatasetResult(DatasetBuilder built) {
        this.built = built;
    }

    public long windows(Split split) {
        return built.buffers().get(split).size();
    }

    public long flights(Split split) {
        return built.flightsPerSplit().getOrDefault(split, 0L);
    }

    public long flights() {
        return built.flightsPerSplit().values().stream().mapToLong(Long::longValue).sum();
    }

    public long points() {
        return built.perSource().values().stream().mapToLong(SourceCounts::points).sum();
    }

    public Map<String, Long> rejectedByReason() {
        Map<String, Long> all = new LinkedHashMap<>();
        built.readerProblems().forEach((reason, n) -> all.merge("read:" + reason, n, Long::sum));
        built.rejections().asMap().forEach((reason, n) -> all.merge("clean:" + reason, n, Long::sum));
        return all;
    }

    public List<InputFileRecord> inputs() {
        return List.copyOf(built.inputs());
    }

    public long unreadableFiles() {
        return built.inputs().stream().filter(f -> f.error() != null).count();
    }

    public Map<String, SourceCounts> perSource() {
        return Map.copyOf(built.perSource());
    }

    /** Flights of the test split, for export as canonical CSV. */
    public List<Flight> testFlights() {
        return List.copyOf(built.testFlights());
    }

    /** Flights of the validation split, for export as canonical CSV (to tune settings without the test flights). */
    public List<Flight> validationFlights() {
        return List.copyOf(built.validationFlights());
    }

    /** Writes the arrays, the spec and the manifest into {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (SplitBuffer buffer : built.buffers().values()) {
            buffer.write(dir);
        }
        Files.write(dir.resolve(SPEC), built.spec().bytes());
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        json.writeValue(dir.resolve(MANIFEST).toFile(), manifest());
    }

    Map<String, Object> manifest() {
        DatasetOptions o = built.options();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "sigma-vrate-dataset/1");
        m.put("spec_sha256", built.spec().sha256());
        m.put("spec_version", built.spec().version());
        m.put("window_steps", built.spec().grid().windowSteps());
        m.put("step_seconds", built.spec().grid().stepMillis() / 1000.0);
        m.put("stride", o.stride());
        m.put("min_rate_coverage", o.minRateCoverage());
        m.put("max_gap_seconds", o.maxGapMillis() / 1000.0);
        m.put("seed", o.seed());
        m.put("val_fraction", o.valFraction());
        m.put("test_fraction", o.testFraction());
        Map<String, Object> splits = new LinkedHashMap<>();
        for (Split s : Split.values()) {
            Map<String, Object> split = new LinkedHashMap<>();
            split.put("flights", flights(s));
            split.put("windows", windows(s));
            splits.put(s.fileName(), split);
        }
        m.put("splits", splits);
        Map<String, Object> sources = new LinkedHashMap<>();
        built.perSource().forEach((name, c) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("flights", c.flights());
            entry.put("points", c.points());
            for (Split s : Split.values()) {
                entry.put(s.fileName() + "_windows", c.windows(s));
            }
            sources.put(name, entry);
        });
        m.put("sources", sources);
        m.put("rejected", rejectedByReason());
        m.put("rejected_examples", built.problemExamples());
        m.put("inputs", built.inputs());
        return m;
    }

    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("files: %d read, %d unreadable%n", built.inputs().size() - unreadableFiles(),
                unreadableFiles()));
        b.append(String.format("flights: %d (train %d, val %d, test %d); points: %d%n", flights(),
                flights(Split.TRAIN), flights(Split.VAL), flights(Split.TEST), points()));
        b.append(String.format("windows: train %d, val %d, test %d%n", windows(Split.TRAIN), windows(Split.VAL),
                windows(Split.TEST)));
        b.append("per source:\n");
        built.perSource().forEach((name, c) -> b.append(String.format("  %-14s %6d flights %9d points %7d windows%n",
                name, c.flights(), c.points(),
                c.windows(Split.TRAIN) + c.windows(Split.VAL) + c.windows(Split.TEST))));
        Map<String, Long> rejected = rejectedByReason();
        b.append(rejected.isEmpty() ? "rejected: none\n" : "rejected (by reason):\n");
        rejected.forEach((reason, n) -> b.append(String.format("  %-28s %d%n", reason, n)));
        for (InputFileRecord f : built.inputs()) {
            if (f.error() != null) {
                b.append("unreadable: ").append(f.error()).append('\n');
            }
        }
        return b.toString();
    }
}
