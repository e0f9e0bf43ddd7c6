package org.sigmavrate.domain;

import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

/** Builds reports for tests that need a precise hand-made situation. */
public final class Reports {
    private Reports() {
    }

    public static Report at(String icao24, long timeMillis, double altitudeFt, double rateFpm) {
        return new Report(icao24, timeMillis, Double.NaN, Double.NaN, altitudeFt, Double.NaN, rateFpm,
                Double.isNaN(rateFpm) ? null : VerticalRateSource.BAROMETRIC, Double.NaN, Double.NaN, null, null,
                "test", null);
    }

    public static Report onGround(String icao24, long timeMillis) {
        return new Report(icao24, timeMillis, Double.NaN, Double.NaN, 0, Double.NaN, 0, VerticalRateSource.BAROMETRIC,
                Double.NaN, Double.NaN, Boolean.TRUE, null, "test", null);
    }
}
