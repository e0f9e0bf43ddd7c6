package org.sigmavrate.ingest;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import org.sigmavrate.domain.flight.VerticalRateSource;

/**
 * Reads the product's canonical CSV: a header naming the columns {@link #COLUMNS} in any order (extra columns are
 * ignored), optionally gzipped. {@code timestamp} is epoch seconds (integer or decimal) or ISO-8601 ({@code Z},
 * an offset, or no zone meaning UTC; fractional seconds allowed). Empty fields are missing. {@code altitude_ft} is
 * barometric. Rates are {@link VerticalRateSource#UNKNOWN}: the format does not say where they came from.
 * <p>
 * {@code flight_id} becomes the flight id hint. The aircraft id is the flight id's first six characters, lower-cased,
 * when they are hex digits and end the id or are followed by a separator (ids written by {@link CanonicalCsvWriter}
 * and the dataset tools start with the ICAO address, e.g. {@code 406d95} or {@code 406d95_0003}); otherwise the whole
 * flight id stands in for the aircraft.
 */
public final class CanonicalCsvReader implements FlightFileReader {
    static final String DATA_SOURCE = "csv";
    public static final List<String> COLUMNS = List.of("flight_id", "timestamp", "latitude", "longitude",
            "altitude_ft", "vertical_rate_fpm", "groundspeed_kt", "track_deg");
    static final String HEADER = String.join(",", COLUMNS);

    @Override
    public FlightFormat format() {
        return FlightFormat.CANONICAL_CSV;
    }

    @Override
    public ReadResult read(Path file) throws UnreadableFileException {
        return CsvTable.read(file, format(), header -> {
            int flightId = header.require("flight_id");
            int timestamp = header.require("timestamp");
            int latitude = header.require("latitude");
            int longitude = header.require("longitude");
            int altitude = header.require("altitude_ft");
            int rate = header.require("vertical_rate_fpm");
            int groundSpeed = header.require("groundspeed_kt");
            int track = header.require("track_deg");
            return fields -> {
                ReportDraft d = new ReportDraft();
                d.flightIdHint = TextValues.trimmed(fields[flightId]);
                if (d.flightIdHint == null) {
                    throw new BadRecordException(ReadProblem.MISSING_FIELD, "flight_id is empty");
                }
                d.icao24 = aircraftIdOf(d.flightIdHint);
                d.timeMillis = TextValues.epochMillisFromSecondsOrIso(fields[timestamp], "timestamp");
                d.latitudeDeg = TextValues.number(fields[latitude], "latitude");
                d.longitudeDeg = TextValues.number(fields[longitude], "longitude");
                d.baroAltitudeFt = TextValues.number(fields[altitude], "altitude_ft");
                d.offerVerticalRate(TextValues.number(fields[rate], "vertical_rate_fpm"), VerticalRateSource.UNKNOWN);
                d.groundSpeedKt = TextValues.number(fields[groundSpeed], "groundspeed_kt");
                d.trackDeg = TextValues.number(fields[track], "track_deg");
                return d.toReport(DATA_SOURCE);
            };
        });
    }

    /**
     * The ICAO address a flight id starts with, else the flight id itself. The six hex digits must be the whole id or
     * be followed by a non-alphanumeric separator, so that an id like FR24's {@code 3376ab31} is not cut in two.
     */
    static String aircraftIdOf(String flightId) {
        if (flightId.length() >= 6) {
            String prefix = flightId.substring(0, 6);
            boolean hex = prefix.chars().allMatch(c -> Character.digit(c, 16) >= 0);
            boolean separated = flightId.length() == 6 || !Character.isLetterOrDigit(flightId.charAt(6));
            if (hex && separated) {
                return prefix.toLowerCase(Locale.ROOT);
            }
        }
        return flightId;
    }
}
