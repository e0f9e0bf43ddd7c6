package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;

/** The re-partition topic's report: every field of real reports, missing values included, comes back as it was. */
class ReportSerdeTest {
    private final Serde<Report> serde = ReportSerde.serde();

    private Report roundTrip(Report r) {
        return serde.deserializer().deserialize("t", serde.serializer().serialize("t", r));
    }

    @Test
    void realReportsComeBackEqual() throws Exception {
        List<Report> reports = new ArrayList<>();
        // OpenSky: rates, callsigns, on-ground flags; readsb: altitudes without rates
        reports.addAll(FlightReaders.read(Path.of("data/flights/opensky/states_47d84419.csv")).reports());
        reports.addAll(FlightReaders.read(Path.of("data/flights/eastham-extra/tests-20minutes-20230829.jsonl.gz"))
                .reports());
        assertTrue(reports.stream().anyMatch(r -> r.verticalRateSource() == null && Double.isNaN(r.verticalRateFpm())));
        assertTrue(reports.stream().anyMatch(r -> r.hasVerticalRate() && r.onGround() != null && r.callsign() != null));
        for (Report r : reports) {
            assertEquals(r, roundTrip(r));
        }
    }

    @Test
    void aValidatedReportComesBackAsTheValidatorMadeIt() {
        ReportValidator validator = new ReportValidator(SpecLoader.bundled(), 10 * 60_000);
        Report valid = validator.check(Fixtures.report("3C6586", Fixtures.T0, 3000.0, null), Fixtures.T0).report();
        assertEquals("3c6586", valid.icao24());
        assertEquals(valid, roundTrip(valid));
    }
}
