package org.sigmavrate.domain.flight;

/**
 * One decoded surveillance report of one aircraft, in the product's units.
 * Missing numeric values are {@code Double.NaN} so that millions of reports stay cheap.
 *
 * @param icao24            24-bit ICAO address, six lower-case hex digits (or a stand-in id when a file has none)
 * @param timeMillis        event time, epoch milliseconds UTC
 * @param latitudeDeg       WGS84 latitude
 * @param longitudeDeg      WGS84 longitude
 * @param baroAltitudeFt    barometric altitude, feet
 * @param geoAltitudeFt     geometric altitude, feet
 * @param verticalRateFpm   vertical rate, feet per minute, positive climbing
 * @param verticalRateSource source of the rate, null when the rate is missing
 * @param groundSpeedKt     ground speed, knots
 * @param trackDeg          track over ground, degrees
 * @param onGround          on-ground flag, null when unknown
 * @param callsign          trimmed callsign, null when unknown
 * @param dataSource        provider or format the report came from, e.g. "opensky"
 * @param flightIdHint      a flight id given by the file itself (traffic's flight_id), null when none
 */
public record Report(
        String icao24,
        long timeMillis,
        double latitudeDeg,
        double longitudeDeg,
        double baroAltitudeFt,
        double geoAltitudeFt,
        double verticalRateFpm,
        VerticalRateSource verticalRateSource,
        double groundSpeedKt,
        double trackDeg,
        Boolean onGround,
        String callsign,
        String dataSource,
        String flightIdHint) {

    public boolean hasVerticalRate() {
        return !Double.isNaN(verticalRateFpm);
    }

    public boolean hasBaroAltitude() {
        return !Double.isNaN(baroAltitudeFt);
    }

    public Report withVerticalRate(double rateFpm, VerticalRateSource source) {
        return new Report(icao24, timeMillis, latitudeDeg, longitudeDeg, baroAltitudeFt, geoAltitudeFt,
                rateFpm, Double.isNaN(rateFpm) ? null : source, groundSpeedKt, trackDeg, onGround, callsign,
                dataSource, flightIdHint);
    }

    public Report withBaroAltitude(double altitudeFt) {
        return new Report(icao24, timeMillis, latitudeDeg, longitudeDeg, altitudeFt, geoAltitudeFt,
                verticalRateFpm, verticalRateSource, groundSpeedKt, trackDeg, onGround, callsign,
                dataSource, flightIdHint);
    }

    public Report withIcao24(String newIcao24) {
        return new Report(newIcao24, timeMillis, latitudeDeg, longitudeDeg, baroAltitudeFt, geoAltitudeFt,
                verticalRateFpm, verticalRateSource, groundSpeedKt, trackDeg, onGround, callsign,
                dataSource, flightIdHint);
    }
}
