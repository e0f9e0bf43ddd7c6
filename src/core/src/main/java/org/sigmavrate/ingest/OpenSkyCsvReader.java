package org.sigmavrate.ingest;

import java.nio.file.Path;

import org.sigmavrate.domain.flight.VerticalRateSource;

/**
 * Reads OpenSky historical state-vector CSV dumps ({@code time,icao24,lat,lon,velocity,heading,vertrate,callsign,
 * onground,alert,spi,squawk,baroaltitude,geoaltitude,lastposupdate,lastcontact}, optionally gzipped). Columns are found
 * by name; {@code geoaltitude}, {@code callsign} and {@code onground} may be absent, the others are required.
 * <p>
 * OpenSky uses SI units; they are converted here: m/s to kt and ft/min, m to ft. Its {@code vertrate} is the
 * barometric rate. {@code time} is epoch seconds.
 */
public final class OpenSkyCsvReader implements FlightFileReader {
    static final String DATA_SOURCE = "opensky";
    static final double METRES_PER_FOOT = 0.3048;
    static final double METRES_PER_NAUTICAL_MILE = 1852.0;

    @Override
    public FlightFormat format() {
        return FlightFormat.OPENSKY_CSV;
    }

    @Override
    public ReadResult read(Path file) throws UnreadableFileException {
        return CsvTable.read(file, format(), header -> {
            int time = header.require("time");
            int icao24 = header.require("icao24");
            int lat = header.require("lat");
            int lon = header.require("lon");
            int velocity = header.require("velocity");
            int heading = header.require("heading");
            int vertrate = header.require("vertrate");
            int baroAltitude = header.require("baroaltitude");
            int geoAltitude = header.optional("geoaltitude");
            int callsign = header.optional("callsign");
            int onGround = header.optional("onground");
            return fields -> {
                ReportDraft d = new ReportDraft();
                d.timeMillis = TextValues.epochMillisFromSecondsOrIso(fields[time], "time");
                d.icao24 = TextValues.aircraftId(fields[icao24], "icao24");
                d.latitudeDeg = TextValues.number(fields[lat], "lat");
                d.longitudeDeg = TextValues.number(fields[lon], "lon");
                d.groundSpeedKt = metresPerSecondToKnots(TextValues.number(fields[velocity], "velocity"));
                d.trackDeg = TextValues.number(fields[heading], "heading");
                d.offerVerticalRate(metresPerSecondToFeetPerMinute(TextValues.number(fields[vertrate], "vertrate")),
                        VerticalRateSource.BAROMETRIC);
                d.baroAltitudeFt = metresToFeet(TextValues.number(fields[baroAltitude], "baroaltitude"));
                d.geoAltitudeFt = metresToFeet(TextValues.number(CsvTable.field(fields, geoAltitude), "geoaltitude"));
                d.callsign = TextValues.trimmed(CsvTable.field(fields, callsign));
                d.onGround = TextValues.flag(CsvTable.field(fields, onGround), "onground");
                return d.toReport(DATA_SOURCE);
            };
        });
    }

    public static double metresToFeet(double metres) {
        return metres / METRES_PER_FOOT;
    }

    public static double metresPerSecondToFeetPerMinute(double metresPerSecond) {
        return metresPerSecond / METRES_PER_FOOT * 60.0;
    }

    public static double metresPerSecondToKnots(double metresPerSecond) {
        return metresPerSecond * 3600.0 / METRES_PER_NAUTICAL_MILE;
    }
}
