package org.sigmavrate.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
import org.sigmavrate.domain.flight.Report;

import blue.strategic.parquet.Hydrator;
import blue.strategic.parquet.ParquetReader;

/**
 * Reads a Parquet file row by row (any codec and encoding parquet-java knows: dictionary, Snappy, zstd, gzip, LZ4),
 * through parquet-floor, which runs parquet-java without a Hadoop runtime. Top-level columns are bound by name like
 * {@link CsvTable}'s; nested columns (OpenSky's {@code serials} list) are not used by any reader and are ignored.
 */
final class ParquetTable {
    /** Decodes one row into a report. */
    interface RowDecoder {
        Report decode(ParquetRow row) throws BadRecordException;
    }

    /** Finds its columns and returns the decoder for the rows; missing columns make the file unreadable. */
    interface Binder {
        RowDecoder bind(Columns columns) throws UnreadableFileException;
    }

    private ParquetTable() {
    }

    static ReadResult read(Path file, FlightFormat format, Binder binder) throws UnreadableFileException {
        FlightFileInput.requireReadableFile(file);
        Map<String, Integer> positions = new LinkedHashMap<>();
        ParquetReader<Object[], Object[], Integer> rows = open(file, positions);
        ReadResultBuilder result = new ReadResultBuilder(file, format);
        try (rows) {
            MessageType schema = rows.metaData().getFileMetaData().getSchema();
            Columns columns = new Columns(file, schema, positions);
            RowDecoder decoder = binder.bind(columns);
            Object[][] current = new Object[1][];
            for (long row = 1; ; row++) {
                try {
                    if (!rows.tryAdvance(values -> current[0] = values)) {
                        break;
                    }
                } catch (RuntimeException e) {
                    // parquet-java reports corrupt pages and cut-off column chunks as unchecked exceptions
                    result.reject(row, ReadProblem.READ_ERROR,
                            "reading stopped here, earlier rows were kept: " + e.getMessage());
                    break;
                }
                try {
                    result.accept(decoder.decode(new ParquetRow(current[0], columns.types)));
                } catch (BadRecordException e) {
                    result.reject(row, e);
                }
            }
        } catch (IOException e) {
            if (e instanceof UnreadableFileException u) {
                throw u;
            }
            throw new UnreadableFileException(file, "cannot read Parquet: " + e.getMessage(), e);
        }
        return result.build();
    }

    /** The top-level column names, lower-cased, from the footer alone. */
    static List<String> columnNames(Path file) throws UnreadableFileException {
        FlightFileInput.requireReadableFile(file);
        try {
            return ParquetReader.readMetadata(new LocalInputFile(file)).getFileMetaData().getSchema().getFields()
                    .stream().map(field -> Columns.normalise(field.getName())).toList();
        } catch (IOException | RuntimeException e) {
            throw new UnreadableFileException(file, "not a readable Parquet file: " + e.getMessage(), e);
        }
    }

    /** Reads the footer; a file that is not Parquet, or is cut off (no footer), fails here. */
    private static ParquetReader<Object[], Object[], Integer> open(Path file, Map<String, Integer> positions)
            throws UnreadableFileException {
        try {
            // parquet-floor names each leaf column by its path; a row keeps one value per top-level column
            return ParquetReader.spliterator(new LocalInputFile(file), new RowHydrator(positions),
                    path -> positions.computeIfAbsent(path[0], name -> positions.size()));
        } catch (IOException | RuntimeException e) {
            // parquet-java throws RuntimeException for a bad magic number or footer
            throw new UnreadableFileException(file, "not a readable Parquet file: " + e.getMessage(), e);
        }
    }

    /** Collects one row's values into an array indexed by top-level column position. */
    private record RowHydrator(Map<String, Integer> positions) implements Hydrator<Object[], Object[], Integer> {
        @Override
        public Object[] start() {
            return new Object[positions.size()];
        }

        @Override
        public Object[] add(Object[] row, Integer position, Object value) {
            row[position] = value;
            return row;
        }

        @Override
        public Object[] finish(Object[] row) {
            return row;
        }
    }

    /** The top-level columns by name (trimmed, case-insensitive), with their logical types. */
    static final class Columns {
        private final Path file;
        private final Map<String, Integer> positions = new LinkedHashMap<>();
        /** Logical type (timestamp unit, string, ...) by position, null where the column has none. */
        private final LogicalTypeAnnotation[] types;

        Columns(Path file, MessageType schema, Map<String, Integer> leafPositions) {
            this.file = file;
            this.types = new LogicalTypeAnnotation[leafPositions.size()];
            for (Map.Entry<String, Integer> column : leafPositions.entrySet()) {
                Type type = schema.getType(column.getKey());
                if (type.isPrimitive()) {
                    positions.putIfAbsent(normalise(column.getKey()), column.getValue());
                    types[column.getValue()] = type.getLogicalTypeAnnotation();
                }
            }
        }

        /** Position of the first of {@code names} present. */
        int require(String... names) throws UnreadableFileException {
            int position = optional(names);
            if (position < 0) {
                throw new UnreadableFileException(file, "Parquet file lacks the required column '"
                        + String.join("' or '", names) + "' (columns: " + names() + ")");
            }
            return position;
        }

        /** Position of the first of {@code names} present, -1 when none is. */
        int optional(String... names) {
            for (String name : names) {
                Integer position = positions.get(normalise(name));
                if (position != null) {
                    return position;
                }
            }
            return -1;
        }

        boolean has(String name) {
            return positions.containsKey(normalise(name));
        }

        List<String> names() {
            return List.copyOf(positions.keySet());
        }

        Path file() {
            return file;
        }

        private static String normalise(String name) {
            return name.trim().toLowerCase(Locale.ROOT);
        }
    }

    /** One row's values, decoded by column position; position -1 (absent optional column) is a missing value. */
    static final class ParquetRow {
        private final Object[] values;
        private final LogicalTypeAnnotation[] types;

        ParquetRow(Object[] values, LogicalTypeAnnotation[] types) {
            this.values = values;
            this.types = types;
        }

        /** A number; null is missing (NaN). */
        double number(int position, String field) throws BadRecordException {
            Object value = value(position);
            if (value == null) {
                return Double.NaN;
            }
            if (value instanceof Number n) {
                return n.doubleValue();
            }
            throw wrongType(field, "a number", value);
        }

        /** Trimmed text, null when missing or empty. */
        String text(int position, String field) throws BadRecordException {
            Object value = value(position);
            if (value == null || value instanceof String) {
                return TextValues.trimmed((String) value);
            }
            throw wrongType(field, "text", value);
        }

        Boolean flag(int position, String field) throws BadRecordException {
            Object value = value(position);
            if (value == null || value instanceof Boolean) {
                return (Boolean) value;
            }
            throw wrongType(field, "true/false", value);
        }

        /**
         * Event time in epoch milliseconds: a Parquet timestamp in its declared unit (pandas writes nanoseconds),
         * or a plain number of epoch seconds as in OpenSky's CSV dumps.
         */
        long epochMillis(int position, String field) throws BadRecordException {
            Object value = value(position);
            if (value == null) {
                throw new BadRecordException(ReadProblem.MISSING_FIELD, field + " is missing");
            }
            if (!(value instanceof Number n)) {
                throw wrongType(field, "a timestamp", value);
            }
            if (types[position] instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation timestamp) {
                long v = n.longValue();
                return switch (timestamp.getUnit()) {
                    case MILLIS -> v;
                    case MICROS -> Math.floorDiv(v, 1_000L);
                    case NANOS -> Math.floorDiv(v, 1_000_000L);
                };
            }
            return TextValues.secondsToMillis(n.doubleValue(), field);
        }

        private Object value(int position) {
            return position < 0 ? null : values[position];
        }

        private static BadRecordException wrongType(String field, String expected, Object value) {
            return new BadRecordException(ReadProblem.WRONG_TYPE, field + " should be " + expected + " but is "
                    + value.getClass().getSimpleName() + " '" + TextValues.abbreviate(value.toString()) + "'");
        }
    }
}
