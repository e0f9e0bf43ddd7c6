package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.BandStep;
import org.sigmavrate.avro.v1.ChannelBand;
import org.sigmavrate.avro.v1.DensityBands;

class AircraftSummaryTest {
    private static final List<Double> LEVELS = List.of(0.05, 0.25, 0.5, 0.75, 0.95);

    private static ChannelBand observed(double v) {
        return ChannelBand.newBuilder().setObserved(true).setQuantiles(List.of(v, v, v, v, v)).setMean(v).build();
    }

    private static ChannelBand forecast(double median) {
        return ChannelBand.newBuilder().setObserved(false)
                .setQuantiles(List.of(median - 200, median - 50, median, median + 50, median + 200)).setMean(median)
                .build();
    }

    private static BandStep step(long t, ChannelBand rate, ChannelBand altitude) {
        return BandStep.newBuilder().setTime(Instant.ofEpochMilli(t)).setVerticalRate(rate).setAltitude(altitude).build();
    }

    private static DensityBands bands(List<BandStep> steps) {
        return DensityBands.newBuilder().setIcao24("3c6586").setFlightId("3c6586-1").setModelId("sgpt-small-v2")
                .setSpecHash("x").setGridStart(Instant.ofEpochMilli(0)).setGridStepMs(10_000)
                .setLastReportTime(Instant.ofEpochMilli(20_000)).setQuantileLevels(LEVELS).setSteps(steps).build();
    }

    @Test
    void theListShowsTheLastObservedAltitudeAndRateNotTheForecastOnes() {
        DensityBands b = bands(List.of(step(0, observed(500), observed(3000)), step(10_000, forecast(800), observed(3100)),
                step(20_000, observed(640), forecast(3300)), step(30_000, forecast(900), forecast(3400))));
        AircraftSummary s = AircraftSummary.of(b, 123L);
        assertEquals(3100.0, s.altitudeFt());
        assertEquals(640.0, s.verticalRateFpm());
        assertEquals(20_000L, s.lastReportTime());
        assertEquals(123L, s.receivedAt());
        assertEquals(4, s.steps());
        assertEquals("sgpt-small-v2", s.modelId());
        assertNull(s.callsign());
        assertNull(s.latitude());
    }

    @Test
    void theCallsignAndLastPositionComeFromTheBands() {
        DensityBands b = bands(List.of(step(0, observed(0), observed(3000))));
        b.setCallsign("SWR12");
        b.setLastLatitudeDeg(47.46);
        b.setLastLongitudeDeg(8.55);
        b.setDataSource("opensky");
        AircraftSummary s = AircraftSummary.of(b, 0L);
        assertEquals("SWR12", s.callsign());
        assertEquals(47.46, s.latitude());
        assertEquals(8.55, s.longitude());
        assertEquals("opensky", s.dataSource());
    }

    @Test
    void aChannelNeverObservedInTheWindowHasNoValue() {
        AircraftSummary s = AircraftSummary.of(bands(List.of(step(0, forecast(0), observed(3000)))), 0L);
        assertNull(s.verticalRateFpm());
        assertEquals(3000.0, s.altitudeFt());
    }
}
