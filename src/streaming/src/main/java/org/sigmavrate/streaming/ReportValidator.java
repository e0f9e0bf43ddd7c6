package org.sigmavrate.streaming;

import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.spec.ChannelLimits;
import org.sigmavrate.domain.spec.Spec;

/**
 * Checks a decoded report before it reaches a flight, and turns it into the domain {@link Report}: the one place
 * where the Avro record is read. A report that fails goes to the dead-letter topic with the returned reason, never
 * into the state.
 */
public final class ReportValidator {
    /** 2000-01-01: anything earlier is a unit error (seconds sent as milliseconds), not a recording */
    static final long EARLIEST_MILLIS = 946_684_800_000L;
    /**
     * Longest strings taken, in chars: an ICAO callsign has 8 (some feeds pad it), a data source is a short label.
     * Longer is not a report but an attack or a bug, and would only grow the state (the data source is kept per
     * flight and per pending window).
     */
    static final int MAX_ICAO24_CHARS = 16;
    static final int MAX_CALLSIGN_CHARS = 16;
    static final int MAX_DATA_SOURCE_CHARS = 128;

    private final ChannelLimits rateLimits;
    private final ChannelLimits altitudeLimits;
    private final long maxFutureMillis;
    private final long maxAgeMillis;

    /** Without an age limit. */
    public ReportValidator(Spec spec, long maxFutureMillis) {
        this(spec, maxFutureMillis, 0);
    }

    /** @param maxAgeMillis reports older than this behind the wall clock are rejected; 0: no limit */
    public ReportValidator(Spec spec, long maxFutureMillis, long maxAgeMillis) {
        this.rateLimits = spec.limits(Channel.VERTICAL_RATE);
        this.altitudeLimits = spec.limits(Channel.ALTITUDE);
        this.maxFutureMillis = maxFutureMillis;
        this.maxAgeMillis = maxAgeMillis;
    }

    /** The outcome: a report in the product's units, or why the record is rejected. */
    public record Checked(Report report, String reason, String detail) {
        public boolean ok() {
            return report != null;
        }
    }

    public Checked check(SurveillanceReport r, long nowMillis) {
        String tooLong = tooLong("icao24", r.getIcao24(), MAX_ICAO24_CHARS);
        tooLong = tooLong != null ? tooLong : tooLong("callsign", r.getCallsign(), MAX_CALLSIGN_CHARS);
        tooLong = tooLong != null ? tooLong : tooLong("data_source", r.getDataSource(), MAX_DATA_SOURCE_CHARS);
        if (tooLong != null) {
            return reject("too-long", tooLong);
        }
        String icao = r.getIcao24() == null ? "" : r.getIcao24().trim().toLowerCase();
        if (!icao.matches("[0-9a-f]{6}")) {
            return reject("bad-icao24", "icao24 '" + r.getIcao24() + "' is not six hex digits");
        }
        long t = r.getEventTime() == null ? 0 : r.getEventTime().toEpochMilli();
        if (t < EARLIEST_MILLIS) {
            return reject("out-of-range", "event_time " + t + " is before 2000-01-01");
        }
        if (t > nowMillis + maxFutureMillis) {
            return reject("future", "event_time " + r.getEventTime() + " is more than " + maxFutureMillis / 1000
                    + " s ahead of the clock");
        }
        if (maxAgeMillis > 0 && t < nowMillis - maxAgeMillis) {
            return reject("too-old", "event_time " + r.getEventTime() + " is more than " + maxAgeMillis / 1000
                    + " s behind the clock");
        }
        String bad = outside("latitude_deg", r.getLatitudeDeg(), -90, 90);
        bad = bad != null ? bad : outside("longitude_deg", r.getLongitudeDeg(), -180, 180);
        bad = bad != null ? bad : outside("baro_altitude_ft", r.getBaroAltitudeFt(), altitudeLimits.min(), altitudeLimits.max());
        bad = bad != null ? bad : outside("geo_altitude_ft", r.getGeoAltitudeFt(), altitudeLimits.min(), altitudeLimits.max());
        bad = bad != null ? bad : outside("vertical_rate_fpm", r.getVerticalRateFpm(), rateLimits.min(), rateLimits.max());
        bad = bad != null ? bad : outside("ground_speed_kt", r.getGroundSpeedKt(), 0, 2000);
        bad = bad != null ? bad : outside("track_deg", r.getTrackDeg(), -360, 360);
        if (bad != null) {
            return reject("out-of-range", bad);
        }
        return new Checked(toReport(r, icao, t), null, null);
    }

    /** The report in the product's units (NaN for missing values). */
    private static Report toReport(SurveillanceReport r, String icao, long t) {
        VerticalRateSource source = r.getVerticalRateFpm() == null ? null
                : r.getVerticalRateSource() == null ? VerticalRateSource.UNKNOWN
                : VerticalRateSource.valueOf(r.getVerticalRateSource().name());
        return new Report(icao, t, nan(r.getLatitudeDeg()), nan(r.getLongitudeDeg()),
                nan(r.getBaroAltitudeFt()), nan(r.getGeoAltitudeFt()), nan(r.getVerticalRateFpm()), source,
                nan(r.getGroundSpeedKt()), nan(r.getTrackDeg()), r.getOnGround(), r.getCallsign(), r.getDataSource(),
                null);
    }

    private static String tooLong(String field, String value, int max) {
        return value != null && value.length() > max
                ? field + " has " + value.length() + " chars, more than " + max : null;
    }

    private static Checked reject(String reason, String detail) {
        return new Checked(null, reason, detail);
    }

    private static String outside(String field, Double v, double min, double max) {
        if (v == null) {
            return null;
        }
        if (!Double.isFinite(v)) {
            return field + " is not finite";
        }
        return v < min || v > max ? field + " " + v + " outside [" + min + ", " + max + "]" : null;
    }

    private static double nan(Double v) {
        return v == null ? Double.NaN : v;
    }
}
