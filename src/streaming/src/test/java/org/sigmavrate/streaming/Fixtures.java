package org.sigmavrate.streaming;

import java.time.Instant;

import org.apache.kafka.common.serialization.Serde;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.avro.v1.VerticalRateSource;
import org.sigmavrate.domain.flight.Report;

final class Fixtures {
    static final long T0 = Instant.parse("2023-06-01T12:00:00Z").toEpochMilli();
    static final Serde<SurveillanceReport> REPORTS = AvroFormat.singleObjectSerde(SurveillanceReport.class);

    private Fixtures() {
    }

    /** A climbing aircraft: altitude 3000 ft + 1500 ft/min. */
    static SurveillanceReport climbing(String icao24, long time) {
        double minutes = (time - T0) / 60_000.0;
        return report(icao24, time, 3000 + 1500 * minutes, 1472.0);
    }

    static SurveillanceReport report(String icao24, long time, Double altitude, Double rate) {
        return SurveillanceReport.newBuilder().setIcao24(icao24).setEventTime(Instant.ofEpochMilli(time))
                .setLatitudeDeg(48.35).setLongitudeDeg(11.78).setBaroAltitudeFt(altitude).setVerticalRateFpm(rate)
                .setVerticalRateSource(rate == null ? null : VerticalRateSource.BAROMETRIC).setGroundSpeedKt(180.0)
                .setTrackDeg(262.0).setOnGround(false).setDataSource("test").build();
    }

    static byte[] bytes(SurveillanceReport r) {
        return REPORTS.serializer().serialize("t", r);
    }

    static Report domain(String icao24, long time, double altitude, double rate) {
        return new Report(icao24, time, Double.NaN, Double.NaN, altitude, Double.NaN, rate,
                org.sigmavrate.domain.flight.VerticalRateSource.BAROMETRIC, Double.NaN, Double.NaN, false, null, "test",
                null);
    }
}
