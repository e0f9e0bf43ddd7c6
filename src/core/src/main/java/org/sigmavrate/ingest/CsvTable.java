package org.sigmavrate.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.sigmavrate.domain.flight.Report;

/**
 * Reads a (possibly gzipped) CSV file with a header line: RFC 4180 quoting, one record per line, blank lines
 * ignored. Each data row must have as many fields as the header; the caller binds columns by name.
 */
final class CsvTable {
    /** Decodes one row's fields into a report. */
    interface RowDecoder {
        Report decode(String[] fields) throws BadRecordException;
    }

    /** Finds its columns in the header and returns the decoder for the rows; a missing column makes the file unreadable. */
    interface Binder {
        RowDecoder bind(Header header) throws UnreadableFileException;
    }

    private CsvTable() {
    }

    static ReadResult read(Path file, FlightFormat format, Binder binder) throws UnreadableFileException {
        ReadResultBuilder result = new ReadResultBuilder(file, format);
        try (TextLines lines = new TextLines(file)) {
            String headerLine = firstNonBlank(file, lines);
            String[] names;
            try {
                names = split(headerLine);
            } catch (BadRecordException e) {
                throw new UnreadableFileException(file, "unreadable header line: " + e.detail());
            }
            RowDecoder decoder = binder.bind(new Header(file, names));
            for (String line = lines.nextNonBlank(result); line != null; line = lines.nextNonBlank(result)) {
                try {
                    String[] fields = split(line);
                    if (fields.length != names.length) {
                        throw new BadRecordException(ReadProblem.COLUMN_COUNT, fields.length + " fields, the header has "
                                + names.length);
                    }
                    result.accept(decoder.decode(fields));
                } catch (BadRecordException e) {
                    result.reject(lines.lineNumber(), e);
                }
            }
        } catch (IOException e) {
            if (e instanceof UnreadableFileException u) {
                throw u;
            }
            throw new UnreadableFileException(file, "cannot read: " + e.getMessage(), e);
        }
        return result.build();
    }

    /** The first line with content, which must be the header. */
    static String firstNonBlank(Path file, TextLines lines) throws UnreadableFileException {
        try {
            String line;
            while ((line = lines.next()) != null) {
                if (!line.isBlank()) {
                    return line;
                }
            }
        } catch (IOException e) {
            throw new UnreadableFileException(file, "cut off before the header line: " + e.getMessage(), e);
        }
        throw new UnreadableFileException(file, "empty file (no CSV header line)");
    }

    /** Splits one line on commas, honouring double quotes ("" inside quotes is a quote). Fields are not trimmed. */
    static String[] split(String line) throws BadRecordException {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '"') {
                quoted = true;
            } else {
                field.append(c);
            }
        }
        if (quoted) {
            throw new BadRecordException(ReadProblem.BAD_QUOTING, "a quote is opened and never closed");
        }
        fields.add(field.toString());
        return fields.toArray(String[]::new);
    }

    /** Column positions by name; names are matched trimmed and case-insensitively. */
    static final class Header {
        private final Path file;
        private final Map<String, Integer> positions = new HashMap<>();
        private final List<String> names;

        Header(Path file, String[] names) {
            this.file = file;
            this.names = List.of(names);
            for (int i = 0; i < names.length; i++) {
                positions.putIfAbsent(normalise(names[i]), i);
            }
        }

        int require(String name) throws UnreadableFileException {
            Integer position = positions.get(normalise(name));
            if (position == null) {
                throw new UnreadableFileException(file, "CSV header lacks the required column '" + name
                        + "' (header: " + String.join(",", names) + ")");
            }
            return position;
        }

        /** Position of an optional column, -1 when absent. */
        int optional(String name) {
            return positions.getOrDefault(normalise(name), -1);
        }

        boolean has(String name) {
            return positions.containsKey(normalise(name));
        }

        private static String normalise(String name) {
            return name.trim().toLowerCase(Locale.ROOT);
        }
    }

    /** The field at {@code position}, or null for an absent optional column. */
    static String field(String[] fields, int position) {
        return position < 0 ? null : fields[position];
    }
}
