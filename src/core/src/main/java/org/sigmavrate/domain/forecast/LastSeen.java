package org.sigmavrate.domain.forecast;

/**
 * Where and under which callsign an aircraft was last seen: published with its forecasts so that a list or a map
 * downstream need not join them with the input stream.
 *
 * @param callsign     latest callsign reported, null when none was
 * @param latitudeDeg  latitude of the latest report with a position, NaN when none had one
 * @param longitudeDeg its longitude, NaN when none had one
 */
public record LastSeen(String callsign, double latitudeDeg, double longitudeDeg) {
    public static final LastSeen UNKNOWN = new LastSeen(null, Double.NaN, Double.NaN);

    public boolean hasPosition() {
        return !Double.isNaN(latitudeDeg) && !Double.isNaN(longitudeDeg);
    }
}
