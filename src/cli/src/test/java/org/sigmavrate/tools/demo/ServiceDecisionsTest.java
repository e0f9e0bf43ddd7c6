package org.sigmavrate.tools.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The demo reads the service's re-forecast decisions from its Prometheus text. */
class ServiceDecisionsTest {
    /** As the service's /q/metrics writes the counter (Micrometer's Prometheus registry), with a neighbour. */
    private static final String EXPOSITION = """
            # HELP sigmavrate_forecast_triggers_total re-forecast decisions at reports where the flight was due or changed
            # TYPE sigmavrate_forecast_triggers_total counter
            sigmavrate_forecast_triggers_total{decision="forecast",reason="first"} 1.0
            sigmavrate_forecast_triggers_total{decision="forecast",reason="max-age"} 3.0
            sigmavrate_forecast_triggers_total{decision="skipped",reason="confirmed"} 12.0
            # HELP sigmavrate_forecast_skip_share share of the re-forecast decisions since start that skipped
            # TYPE sigmavrate_forecast_skip_share gauge
            sigmavrate_forecast_skip_share 0.75
            sigmavrate_records_in_total 250.0
            """;

    @Test
    void sumsTheDecisionsOfEveryReason() {
        ServiceDecisions d = ServiceDecisions.parse(EXPOSITION);
        assertEquals(4, d.forecast());
        assertEquals(12, d.skipped());
        assertEquals(0.75, d.skipShare(), 1e-12);
        assertTrue(d.describe().contains("skipped 12 of 16 due passes (75%"), d.describe());
    }

    @Test
    void saysNothingBeforeAnyDecisionOrWithoutTheService() {
        assertEquals("", ServiceDecisions.parse("sigmavrate_records_in_total 250.0\n").describe());
        assertEquals("", ServiceDecisions.read(1).describe(), "nothing listens on port 1");
    }
}
