package org.sigmavrate.streaming;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Properties;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.streams.StreamsConfig;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.avro.v1.VerticalRateSource;
import org.sigmavrate.batching.BatchLimits;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.tracking.TrackRules;

final class Fixtures {
    static final long T0 = Instant.parse("2023-06-01T12:00:00Z").toEpochMilli();
    static final Serde<SurveillanceReport> REPORTS = AvroFormat.singleObjectSerde(SurveillanceReport.class);

    private Fixtures() {
    }

    /** Properties of a TopologyTestDriver: the application id, no broker, a fresh state folder. */
    static Properties driverProperties(String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ttd").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    /**
     * The settings these tests are written for (the service's configured defaults are src/config's ForecasterConfig,
     * out of this module's reach): 120 s horizon, 10 s cadence, 60 s grace, 10 min max gap, 2 reports, reports up to
     * 10 min ahead and a week behind, batches every 200 ms of at most 2048 windows and no time budget (tests drive
     * the wall clock), 3 attempts per window, a 30 s watchdog and at most 1024 pending windows per flight (runs that
     * batch everything at the end keep every window), dead letters of at most 1,000,000 bytes, and no expiry.
     */
    static StreamingSettings settings(Spec spec) {
        return new StreamingSettings(new StreamingSettings.Topics("surveillance-reports", "infilled-trajectories",
                "density-bands", "surveillance-reports-dlq", "forecast-failures"),
                new TrackRules(spec.grid(), 120_000, 10_000, 60_000, 10 * 60_000, 2), 10 * 60_000, 200, 2048, 0,
                new BatchLimits(3, 30_000, 1024), new StreamingSettings.RecordLimits(7 * 24 * 3_600_000L, 1_000_000),
                StreamingSettings.NEVER_EXPIRE);
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
