package org.sigmavrate.ingest;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The entry point for reading flight files of any supported format. */
public final class FlightReaders {
    private static final Map<FlightFormat, FlightFileReader> READERS = new EnumMap<>(FlightFormat.class);
    private static final Map<FlightFormat, String> DESCRIPTIONS = new EnumMap<>(FlightFormat.class);

    static {
        register(new TrafficJsonReader(), "traffic JSON array or columns (.json, .json.gz)");
        register(new ReadsbJsonLinesReader(), "readsb/adsb.lol JSON lines (.jsonl, .jsonl.gz, .json.gz)");
        register(new ReadsbTraceReader(), "readsb trace_full_<hex>.json");
        register(new Fr24JsonReader(), "FlightRadar24 flight JSON (result.response.data.flight.track)");
        register(new OpenSkyCsvReader(), "OpenSky state-vector CSV (time,icao24,lat,lon,velocity,...)");
        register(new ParquetStateVectorReader(), "state-vector Parquet, OpenSky or traffic columns (.parquet)");
        register(new CanonicalCsvReader(), "canonical CSV (" + CanonicalCsvReader.HEADER + ")");
    }

    private FlightReaders() {
    }

    private static void register(FlightFileReader reader, String description) {
        READERS.put(reader.format(), reader);
        DESCRIPTIONS.put(reader.format(), description);
    }

    /** The format of {@code file}, from its content. */
    public static FlightFormat detect(Path file) throws UnreadableFileException {
        return FormatDetector.detect(file);
    }

    /** Reads {@code file} in the format detected from its content. */
    public static ReadResult read(Path file) throws UnreadableFileException {
        return read(file, detect(file));
    }

    /** Reads {@code file} as {@code format}, e.g. when the user named the format. */
    public static ReadResult read(Path file, FlightFormat format) throws UnreadableFileException {
        return readerFor(format).read(file);
    }

    public static FlightFileReader readerFor(FlightFormat format) {
        return READERS.get(format);
    }

    /** One line listing the supported formats, for error messages and help. */
    public static String supportedFormats() {
        return DESCRIPTIONS.values().stream().collect(Collectors.joining("; "));
    }

    /**
     * The files to read for the named files and folders. Folders are walked recursively in sorted path order and
     * only files named like flight files ({@code .json}, {@code .jsonl}, {@code .ndjson}, {@code .csv}, each
     * optionally {@code .gz}; {@code .parquet} with state-vector columns) are kept; the others are listed as skipped.
     * Named files are kept whatever their name, so that reading them reports clearly what is wrong. A file reached
     * twice is read once.
     *
     * @throws UnreadableFileException when a named file or folder does not exist or a folder cannot be listed
     */
    public static InputSelection expand(List<Path> filesOrFolders) throws UnreadableFileException {
        Set<Path> files = new LinkedHashSet<>();
        List<Path> skipped = new ArrayList<>();
        for (Path input : filesOrFolders) {
            if (!Files.exists(input)) {
                throw new UnreadableFileException(input, "no such file or folder");
            }
            if (!Files.isDirectory(input)) {
                files.add(input.normalize());
                continue;
            }
            for (Path found : walkSorted(input)) {
                if (looksLikeFlightFile(found)) {
                    files.add(found.normalize());
                } else {
                    skipped.add(found);
                }
            }
        }
        return new InputSelection(List.copyOf(files), List.copyOf(skipped));
    }

    /**
     * Like {@link #expand(List)}, returning only the files to read and printing one line per skipped file to
     * {@code skippedReport}, so that nothing is dropped without the user seeing it.
     */
    public static List<Path> expand(List<Path> filesOrFolders, PrintStream skippedReport)
            throws UnreadableFileException {
        InputSelection selection = expand(filesOrFolders);
        for (Path skipped : selection.skippedUnsupported()) {
            skippedReport.println("skipped (not a supported flight file): " + skipped);
        }
        return selection.files();
    }

    static boolean looksLikeFlightFile(Path file) {
        String fileName = file.getFileName().toString();
        if (fileName.startsWith(".")) {
            return false;
        }
        if (fileName.toLowerCase(java.util.Locale.ROOT).endsWith(".parquet")) {
            // Parquet also holds other data (OpenSky's raw messages); its footer tells without reading rows
            return ParquetStateVectorReader.mayHoldStateVectors(file);
        }
        String name = FlightFileInput.plainName(file);
        return name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".csv");
    }

    private static List<Path> walkSorted(Path folder) throws UnreadableFileException {
        try (Stream<Path> walk = Files.walk(folder)) {
            return walk.filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new UnreadableFileException(folder, "cannot list folder: " + e.getMessage(), e);
        }
    }
}
