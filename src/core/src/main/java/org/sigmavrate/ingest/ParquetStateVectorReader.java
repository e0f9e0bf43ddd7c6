package org.sigmavrate.ingest;

import static org.sigmavrate.ingest.OpenSkyCsvReader.metresPerSecondToFeetPerMinute;
import static org.sigmavrate.ingest.OpenSkyCsvReader.metresPerSecondToKnots;
import static org.sigmavrate.ingest.OpenSkyCsvReader.metresToFeet;

import java.nio.file.Path;
import java.util.List;

import org.sigmavrate.domain.flight.VerticalRateSource;

/**
 * Reads state vectors stored as Parquet, in either of the two column layouts in use. The layout, and so the units,
 * is decided per file from the column names, because both are written with the same {@code .parquet} name:
 * <ul>
 * <li>OpenSky's own (Impala/Trino exports, the {@code traffic} library's cache of them): {@code time, icao24, lat,
 * lon, velocity, heading, vertrate, baroaltitude, geoaltitude, callsign, onground}, SI units (m, m/s), converted
 * exactly as {@link OpenSkyCsvReader} does;</li>
 * <li>{@code traffic}'s processed frames: {@code timestamp, icao24, latitude, longitude, altitude, vertical_rate,
 * groundspeed, track, geoaltitude, callsign, onground, flight_id}, already in ft, ft/min and kt.</li>
 * </ul>
 * A file with neither (e.g. OpenSky's raw Mode S messages: {@code mintime, rawmsg, icao24}) is unreadable, named.
 * Times may be Parquet timestamps of any unit or plain epoch seconds. Rates are barometric in both layouts.
 */
public final class ParquetStateVectorReader implements FlightFileReader {
    @Override
    public FlightFormat format() {
        return FlightFormat.PARQUET_STATE_VECTORS;
    }

    @Override
    public ReadResult read(Path file) throws UnreadableFileException {
        return ParquetTable.read(file, format(), columns -> {
            if (hasOpenSkyLayout(columns.names())) {
                return openSkyLayout(columns);
            }
            if (hasTrafficLayout(columns.names())) {
                return trafficLayout(columns);
            }
            throw new UnreadableFileException(columns.file(), "Parquet file without state vectors: neither "
                    + "OpenSky's vertrate/baroaltitude nor traffic's vertical_rate/altitude columns (columns: "
                    + columns.names() + ")");
        });
    }

    /**
     * False only for a readable Parquet file whose columns are in neither layout (OpenSky's raw messages), so that
     * folder walks can list it as skipped; a file whose footer cannot be read is left to {@link #read} to report.
     */
    static boolean mayHoldStateVectors(Path file) {
        List<String> names;
        try {
            names = ParquetTable.columnNames(file);
        } catch (UnreadableFileException e) {
            return true;
        }
        return hasOpenSkyLayout(names) || hasTrafficLayout(names);
    }

    private static boolean hasOpenSkyLayout(List<String> names) {
        return names.contains("vertrate") || names.contains("baroaltitude");
    }

    private static boolean hasTrafficLayout(List<String> names) {
        return names.contains("vertical_rate") || names.contains("altitude");
    }

    /** OpenSky's column names and SI units; the same columns are required as in its CSV dumps. */
    private static ParquetTable.RowDecoder openSkyLayout(ParquetTable.Columns columns) throws UnreadableFileException {
        int time = columns.require("time");
        int icao24 = columns.require("icao24");
        int lat = columns.require("lat");
        int lon = columns.require("lon");
        int velocity = columns.require("velocity");
        int heading = columns.require("heading");
        int vertrate = columns.require("vertrate");
        int baroAltitude = columns.require("baroaltitude");
        int geoAltitude = columns.optional("geoaltitude");
        int callsign = columns.optional("callsign");
        int onGround = columns.optional("onground");
        return row -> {
            ReportDraft d = new ReportDraft();
            d.timeMillis = row.epochMillis(time, "time");
            d.icao24 = TextValues.aircraftId(row.text(icao24, "icao24"), "icao24");
            d.latitudeDeg = row.number(lat, "lat");
            d.longitudeDeg = row.number(lon, "lon");
            d.groundSpeedKt = metresPerSecondToKnots(row.number(velocity, "velocity"));
            d.trackDeg = row.number(heading, "heading");
            d.offerVerticalRate(metresPerSecondToFeetPerMinute(row.number(vertrate, "vertrate")),
                    VerticalRateSource.BAROMETRIC);
            d.baroAltitudeFt = metresToFeet(row.number(baroAltitude, "baroaltitude"));
            d.geoAltitudeFt = metresToFeet(row.number(geoAltitude, "geoaltitude"));
            d.callsign = row.text(callsign, "callsign");
            d.onGround = row.flag(onGround, "onground");
            return d.toReport(OpenSkyCsvReader.DATA_SOURCE);
        };
    }

    /** traffic's column names and units (ft, ft/min, kt), as in its JSON samples. */
    private static ParquetTable.RowDecoder trafficLayout(ParquetTable.Columns columns) throws UnreadableFileException {
        int timestamp = columns.require("timestamp");
        int icao24 = columns.require("icao24");
        int latitude = columns.require("latitude");
        int longitude = columns.require("longitude");
        int altitude = columns.require("altitude");
        int verticalRate = columns.require("vertical_rate");
        int groundSpeed = columns.optional("groundspeed");
        int track = columns.optional("track");
        int geoAltitude = columns.optional("geoaltitude");
        int callsign = columns.optional("callsign");
        int onGround = columns.optional("onground");
        int flightId = columns.optional("flight_id");
        return row -> {
            ReportDraft d = new ReportDraft();
            d.timeMillis = row.epochMillis(timestamp, "timestamp");
            d.icao24 = TextValues.aircraftId(row.text(icao24, "icao24"), "icao24");
            d.latitudeDeg = row.number(latitude, "latitude");
            d.longitudeDeg = row.number(longitude, "longitude");
            d.baroAltitudeFt = row.number(altitude, "altitude");
            d.geoAltitudeFt = row.number(geoAltitude, "geoaltitude");
            d.offerVerticalRate(row.number(verticalRate, "vertical_rate"), VerticalRateSource.BAROMETRIC);
            d.groundSpeedKt = row.number(groundSpeed, "groundspeed");
            d.trackDeg = row.number(track, "track");
            d.callsign = row.text(callsign, "callsign");
            d.onGround = row.flag(onGround, "onground");
            d.flightIdHint = row.text(flightId, "flight_id");
            return d.toReport(TrafficJsonReader.DATA_SOURCE);
        };
    }
}
