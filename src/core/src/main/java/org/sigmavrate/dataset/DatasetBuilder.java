package org.sigmavrate.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.ingest.ReadProblem;
import org.sigmavrate.ingest.ReadResult;
import org.sigmavrate.ingest.UnreadableFileException;
import org.sigmavrate.preparation.FlightPreparation;
import org.sigmavrate.preparation.PreparationSettings;
import org.sigmavrate.preparation.PreparedFlight;
import org.sigmavrate.preparation.WindowPolicy;

/**
 * Turns recorded flights into training windows: read each file, prepare its flights ({@link FlightPreparation}), cut
 * them into {@link WindowPolicy.Training} windows, split by flight. Files are processed one at a time so memory holds windows, not reports. A flight
 * identical to one of an earlier file (same id and reports) is dropped as {@link #DUPLICATE_FLIGHT}.
 */
public final class DatasetBuilder {
    /** Rejection reason for the reports of a flight identical to one read from an earlier file. */
    public static final String DUPLICATE_FLIGHT = "duplicate-flight";

    private final Spec spec;
    private final DatasetOptions options;
    private final FileSource source;
    private final PrintStream progress;

    private final RejectionLedger rejections = new RejectionLedger();
    private final Map<String, Long> readerProblems = new TreeMap<>();
    private final Map<String, SourceCounts> perSource = new TreeMap<>();
    private final List<InputFileRecord> inputs = new ArrayList<>();
    private final Map<Split, SplitBuffer> buffers = new EnumMap<>(Split.class);
    private final Map<Split, Long> flightsPerSplit = new EnumMap<>(Split.class);
    private final List<Flight> testFlights = new ArrayList<>();
    private final List<Flight> validationFlights = new ArrayList<>();
    private final List<String> problemExamples = new ArrayList<>();
    private final RepeatedFlights repeatedFlights = new RepeatedFlights();

    public DatasetBuilder(Spec spec, DatasetOptions options, FileSource source, PrintStream progress) {
        this.spec = spec;
        this.options = options;
        this.source = source;
        this.progress = progress;
        for (Split split : Split.values()) {
            buffers.put(split, new SplitBuffer(split, spec.tokenizer(), spec.grid().windowSteps()));
        }
    }

    public DatasetResult build(List<Path> files) {
        FlightPreparation preparation = new FlightPreparation(new PreparationSettings(spec, options.maxGapMillis()));
        WindowPolicy training = options.windowPolicy();
        FlightSplitter splitter = new FlightSplitter(options.seed(), options.valFraction(), options.testFraction());
        Origins origins = new Origins(files);
        long started = System.nanoTime();
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            String digest = sha256(file);
            ReadResult result;
            try {
                result = source.read(file);
            } catch (UnreadableFileException e) {
                progress.printf("[%d/%d] ERROR %s%n", i + 1, files.size(), e.getMessage());
                inputs.add(new InputFileRecord(file.toString(), digest, null, 0, 0, 0, e.getMessage()));
                continue;
            }
            for (ReadProblem problem : result.problems()) {
                readerProblems.merge(problem.reason(), 1L, Long::sum);
                if (problemExamples.size() < 20) {
                    problemExamples.add(problem.toString());
                }
            }
            inputs.add(new InputFileRecord(file.toString(), digest, result.format().name(), result.records(),
                    result.reports().size(), result.problems().size(), null));
            List<PreparedFlight> flights = preparation.prepare(result.reports(), rejections);
            long windows = 0;
            long repeats = 0;
            for (PreparedFlight prepared : flights) {
                Flight flight = prepared.flight();
                if (repeatedFlights.isRepeat(flight)) {
                    // counted in reports, like every other rejection; its cleaning rejections were counted above
                    rejections.count(DUPLICATE_FLIGHT, flight.reports().size());
                    repeats++;
                    continue;
                }
                Split split = splitter.splitOf(flight.id());
                SourceCounts counts = perSource.computeIfAbsent(flight.dataSource(), s -> new SourceCounts());
                counts.flights++;
                counts.points += flight.reports().size();
                flightsPerSplit.merge(split, 1L, Long::sum);
                if (split == Split.TEST) {
                    testFlights.add(flight);
                } else if (split == Split.VAL) {
                    validationFlights.add(flight);
                }
                for (GriddedFlight window : preparation.windows(prepared, training)) {
                    buffers.get(split).add(window, origins.of(file));
                    counts.windows.merge(split, 1L, Long::sum);
                    windows++;
                }
            }
            progress.printf("[%d/%d] %s: %s, %d records, %d reports, %d skipped, %d flights (%d already read), "
                    + "%d windows (%.1f s)%n", i + 1, files.size(), file, result.format(), result.records(),
                    result.reports().size(), result.problems().size(), flights.size() - repeats, repeats, windows,
                    (System.nanoTime() - started) / 1e9);
        }
        return new DatasetResult(this);
    }

    private static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            return null;
        }
    }

    Spec spec() {
        return spec;
    }

    DatasetOptions options() {
        return options;
    }

    RejectionLedger rejections() {
        return rejections;
    }

    Map<String, Long> readerProblems() {
        return readerProblems;
    }

    Map<String, SourceCounts> perSource() {
        return perSource;
    }

    List<InputFileRecord> inputs() {
        return inputs;
    }

    Map<Split, SplitBuffer> buffers() {
        return buffers;
    }

    Map<Split, Long> flightsPerSplit() {
        return flightsPerSplit;
    }

    List<Flight> testFlights() {
        return testFlights;
    }

    List<Flight> validationFlights() {
        return validationFlights;
    }

    List<String> problemExamples() {
        return problemExamples;
    }
}
