package org.sigmavrate.ingest;

import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.Flushable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.Report;

/**
 * Writes reports in the canonical CSV format that {@link CanonicalCsvReader} reads: the header
 * {@code flight_id,timestamp,latitude,longitude,altitude_ft,vertical_rate_fpm,groundspeed_kt,track_deg}, timestamps
 * as epoch seconds with three decimals (milliseconds), numbers in plain decimal notation as short as round-trips
 * exactly, and empty fields for missing values. The altitude written is the barometric one.
 */
public final class CanonicalCsvWriter implements Closeable, Flushable {
    private final Writer out;

    /** Starts a CSV on {@code out}, writing the header line. */
    public CanonicalCsvWriter(Writer out) throws IOException {
        this.out = out instanceof BufferedWriter ? out : new BufferedWriter(out, 1 << 16);
        this.out.write(CanonicalCsvReader.HEADER);
        this.out.write('\n');
    }

    /** Creates (or replaces) {@code file}, and its folders; gzipped when the name ends in {@code .gz}. */
    public static CanonicalCsvWriter create(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        OutputStream stream = Files.newOutputStream(file);
        if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".gz")) {
            stream = new GZIPOutputStream(stream, 1 << 16);
        }
        return new CanonicalCsvWriter(new OutputStreamWriter(stream, StandardCharsets.UTF_8));
    }

    /** Writes {@code flights} to {@code file}, each flight's reports under the flight's id. */
    public static void write(Path file, List<Flight> flights) throws IOException {
        try (CanonicalCsvWriter writer = create(file)) {
            for (Flight flight : flights) {
                writer.write(flight);
            }
        }
    }

    /** Writes {@code reports} to {@code file}, each under its own flight id (see {@link #write(Report)}). */
    public static void writeReports(Path file, List<Report> reports) throws IOException {
        try (CanonicalCsvWriter writer = create(file)) {
            for (Report report : reports) {
                writer.write(report);
            }
        }
    }

    /** Writes a flight's reports under its id. */
    public void write(Flight flight) throws IOException {
        writeFlight(flight.id(), flight.reports());
    }

    /** Writes one report under its flight id hint, or under its aircraft id when it has none. */
    public void write(Report report) throws IOException {
        write(report.flightIdHint() != null ? report.flightIdHint() : report.icao24(), report);
    }

    /** Writes a flight's reports under {@code flightId}. */
    public void writeFlight(String flightId, List<Report> reports) throws IOException {
        for (Report report : reports) {
            write(flightId, report);
        }
    }

    /** Writes one report under {@code flightId}. */
    public void write(String flightId, Report report) throws IOException {
        out.write(quoteIfNeeded(flightId));
        out.write(',');
        out.write(epochSeconds(report.timeMillis()));
        writeNumber(report.latitudeDeg());
        writeNumber(report.longitudeDeg());
        writeNumber(report.baroAltitudeFt());
        writeNumber(report.verticalRateFpm());
        writeNumber(report.groundSpeedKt());
        writeNumber(report.trackDeg());
        out.write('\n');
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        out.close();
    }

    private void writeNumber(double value) throws IOException {
        out.write(',');
        out.write(plain(value));
    }

    static String epochSeconds(long millis) {
        if (millis < 0) {
            return "-" + epochSeconds(-millis);
        }
        long fraction = millis % 1000;
        String digits = Long.toString(fraction);
        return (millis / 1000) + "." + "000".substring(digits.length()) + digits;
    }

    /** Shortest exact decimal, never in exponent notation (which spreadsheets and some CSV readers mangle). */
    static String plain(double value) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (Double.isInfinite(value)) {
            throw new IllegalArgumentException("cannot write an infinite value to canonical CSV");
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        String text = Double.toString(value);
        return text.indexOf('E') < 0 ? text : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static String quoteIfNeeded(String flightId) {
        if (flightId == null || flightId.isEmpty()) {
            throw new IllegalArgumentException("a flight id is required");
        }
        if (flightId.indexOf('\n') >= 0 || flightId.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a flight id cannot contain a line break: " + flightId);
        }
        if (flightId.indexOf(',') < 0 && flightId.indexOf('"') < 0) {
            return flightId;
        }
        return '"' + flightId.replace("\"", "\"\"") + '"';
    }
}
