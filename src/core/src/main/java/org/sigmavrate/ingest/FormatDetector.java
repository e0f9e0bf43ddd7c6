package org.sigmavrate.ingest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * Tells a flight file's format from its first bytes (after un-gzipping), with the file name as a tie-breaker.
 * Content decides because providers' names are unreliable: readsb traces are gzip named {@code .json}, traffic
 * samples and readsb lines are both {@code .json(.gz)}.
 */
public final class FormatDetector {
    /** Enough for the header of every format: the first JSON line, the trace's metadata, a CSV header. */
    private static final int SNIFF_BYTES = 64 * 1024;
    /** Every Parquet file starts (and ends) with these four bytes. */
    private static final byte[] PARQUET_MAGIC = "PAR1".getBytes(StandardCharsets.US_ASCII);
    private static final Set<String> TRAFFIC_COLUMNS = Set.of("timestamp", "icao24", "latitude", "longitude",
            "altitude", "geoaltitude", "vertical_rate", "groundspeed", "track", "callsign", "onground", "flight_id");
    private static final Set<String> OPENSKY_COLUMNS = Set.of("time", "icao24", "lat", "lon", "velocity", "heading",
            "vertrate", "baroaltitude", "geoaltitude", "lastposupdate", "lastcontact");
    private static final Set<String> CANONICAL_ONLY_COLUMNS = Set.of("flight_id", "altitude_ft", "vertical_rate_fpm",
            "groundspeed_kt", "track_deg");

    private FormatDetector() {
    }

    /**
     * @throws UnreadableFileException when the file is missing, empty, or in none of the supported formats; the
     *                                  message names the file and lists the supported formats
     */
    public static FlightFormat detect(Path file) throws UnreadableFileException {
        byte[] head = FlightFileInput.head(file, SNIFF_BYTES);
        Optional<FlightFormat> byContent = byContent(head);
        if (byContent.isPresent()) {
            return byContent.get();
        }
        Optional<FlightFormat> byName = byName(file);
        if (byName.isPresent()) {
            return byName.get();
        }
        if (isBlank(head)) {
            throw new UnreadableFileException(file, "empty file");
        }
        throw new UnreadableFileException(file, "not a supported flight file; supported formats: "
                + FlightReaders.supportedFormats());
    }

    /** The format a name promises on its own, for files whose first bytes are inconclusive. */
    static Optional<FlightFormat> byName(Path file) {
        String name = FlightFileInput.plainName(file);
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
            return Optional.of(FlightFormat.READSB_JSONL);
        }
        if ((name.startsWith("trace_full_") || name.startsWith("trace_recent_")) && name.endsWith(".json")) {
            return Optional.of(FlightFormat.READSB_TRACE);
        }
        return Optional.empty();
    }

    static Optional<FlightFormat> byContent(byte[] head) {
        if (startsWith(head, PARQUET_MAGIC)) {
            return Optional.of(FlightFormat.PARQUET_STATE_VECTORS);
        }
        String text = new String(head, StandardCharsets.UTF_8);
        int start = 0;
        while (start < text.length() && (Character.isWhitespace(text.charAt(start)) || text.charAt(start) == '\uFEFF')) {
            start++;
        }
        if (start == text.length() || text.indexOf('\0') >= 0) {
            return Optional.empty();
        }
        char first = text.charAt(start);
        if (first == '[') {
            return Optional.of(FlightFormat.TRAFFIC_JSON);
        }
        if (first == '{') {
            return jsonObjectFormat(head);
        }
        return csvFormat(text.substring(start));
    }

    /** Decides by the top-level fields of the first object; stops as soon as one field is conclusive. */
    private static Optional<FlightFormat> jsonObjectFormat(byte[] head) {
        try (JsonParser parser = JsonValues.MAPPER.createParser(head)) {
            parser.nextToken();
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equals("trace") && value == JsonToken.START_ARRAY) {
                    return Optional.of(FlightFormat.READSB_TRACE);
                }
                if (name.equals("result") && value == JsonToken.START_OBJECT) {
                    return Optional.of(FlightFormat.FR24_JSON);
                }
                if (TRAFFIC_COLUMNS.contains(name) && value == JsonToken.START_OBJECT) {
                    return Optional.of(FlightFormat.TRAFFIC_JSON);
                }
                if (name.equals("hex") || (name.equals("aircraft") && value == JsonToken.START_ARRAY)) {
                    return Optional.of(FlightFormat.READSB_JSONL);
                }
                parser.skipChildren();
            }
        } catch (IOException e) {
            // the sniffed bytes ended inside the object or are not JSON: inconclusive
        }
        return Optional.empty();
    }

    private static Optional<FlightFormat> csvFormat(String text) {
        int end = text.indexOf('\n');
        String headerLine = (end < 0 ? text : text.substring(0, end)).trim();
        int openSky = 0;
        int canonical = 0;
        for (String column : headerLine.split(",")) {
            String name = column.trim().replace("\"", "").toLowerCase(java.util.Locale.ROOT);
            if (OPENSKY_COLUMNS.contains(name)) {
                openSky++;
            }
            if (CANONICAL_ONLY_COLUMNS.contains(name)) {
                canonical++;
            }
        }
        if (canonical == 0 && openSky == 0) {
            return Optional.empty();
        }
        return Optional.of(canonical >= openSky ? FlightFormat.CANONICAL_CSV : FlightFormat.OPENSKY_CSV);
    }

    private static boolean startsWith(byte[] head, byte[] prefix) {
        return head.length >= prefix.length && Arrays.equals(head, 0, prefix.length, prefix, 0, prefix.length);
    }

    private static boolean isBlank(byte[] head) {
        return new String(head, StandardCharsets.UTF_8).isBlank();
    }
}
