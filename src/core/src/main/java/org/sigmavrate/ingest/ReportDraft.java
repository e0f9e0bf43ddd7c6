package org.sigmavrate.ingest;

import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

/** A report being decoded, field by field, in the product's units. Fields not set stay missing. */
final class ReportDraft {
    String icao24;
    long timeMillis;
    double latitudeDeg = Double.NaN;
    double longitudeDeg = Double.NaN;
    double baroAltitudeFt = Double.NaN;
    double geoAltitudeFt = Double.NaN;
    double verticalRateFpm = Double.NaN;
    VerticalRateSource verticalRateSource;
    double groundSpeedKt = Double.NaN;
    double trackDeg = Double.NaN;
    Boolean onGround;
    String callsign;
    String flightIdHint;

    /** Sets the rate only when it is present, so that a fallback source can be tried next. */
    boolean offerVerticalRate(double rateFpm, VerticalRateSource source) {
        if (Double.isNaN(rateFpm) || !Double.isNaN(verticalRateFpm)) {
            return false;
        }
        verticalRateFpm = rateFpm;
        verticalRateSource = source;
        return true;
    }

    Report toReport(String dataSource) {
        return new Report(icao24, timeMillis, latitudeDeg, longitudeDeg, baroAltitudeFt, geoAltitudeFt,
                verticalRateFpm, Double.isNaN(verticalRateFpm) ? null : verticalRateSource, groundSpeedKt,
                trackDeg, onGround, callsign, dataSource, flightIdHint);
    }
}
