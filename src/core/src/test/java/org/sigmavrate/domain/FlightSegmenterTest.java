package org.sigmavrate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.sigmavrate.domain.Reports.at;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.FlightSegmenter;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.ReportCleaner;
import org.sigmavrate.domain.flight.VerticalRateDeriver;
import org.sigmavrate.domain.flight.VerticalRateSource;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;

class FlightSegmenterTest {
    private static final long T0 = 1_700_000_000_000L;
    private static final long MAX_GAP_MILLIS = 10 * 60_000L;
    private final Spec spec = SpecLoader.bundled();
    private final FlightSegmenter segmenter = new FlightSegmenter(MAX_GAP_MILLIS,
            new ReportCleaner(spec.limits(Channel.VERTICAL_RATE), spec.limits(Channel.ALTITUDE)),
            VerticalRateDeriver.standard());

    @Test
    void aGapLongerThanTheLimitStartsANewFlightWithAStableId() {
        List<Report> reports = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            reports.add(at("abc123", T0 + i * 5_000, 1000 + i * 100, 1200));
        }
        long later = T0 + 45_000 + MAX_GAP_MILLIS + 1;
        reports.add(at("abc123", later, 5000, 0));
        reports.add(at("abc123", later + 5_000, 5000, 0));
        RejectionLedger ledger = new RejectionLedger();
        List<Flight> flights = segmenter.segment(reports, ledger);
        assertEquals(2, flights.size());
        assertEquals("abc123-20231114T221320Z", flights.get(0).id());
        assertEquals(10, flights.get(0).reports().size());
        assertEquals(FlightSegmenter.flightId("abc123", later), flights.get(1).id());
        assertEquals(0, ledger.total());
    }

    @Test
    void exactlyTheGapLimitKeepsOneFlight() {
        List<Report> reports = List.of(at("abc123", T0, 1000, 0), at("abc123", T0 + MAX_GAP_MILLIS, 1000, 0));
        assertEquals(1, segmenter.segment(reports, new RejectionLedger()).size());
    }

    @Test
    void aircraftAreSeparatedAndReportsSortedByTime() {
        List<Report> reports = List.of(at("bbbbbb", T0 + 5_000, 1000, 0), at("aaaaaa", T0, 2000, 0),
                at("bbbbbb", T0, 1000, 0));
        List<Flight> flights = segmenter.segment(reports, new RejectionLedger());
        assertEquals(2, flights.size());
        assertEquals("bbbbbb", flights.get(0).icao24());
        assertEquals(T0, flights.get(0).startMillis());
        assertEquals(T0 + 5_000, flights.get(0).endMillis());
    }

    @Test
    void impossibleValuesAreRejectedAndCountedByReason() {
        List<Report> reports = new ArrayList<>();
        reports.add(at("abc123", T0, 1000, 500));
        reports.add(at("abc123", T0 + 5_000, 1050, 21_000));
        reports.add(at("abc123", T0 + 10_000, 99_999, 600));
        reports.add(at("abc123", T0 + 10_000, 1100, 600));
        reports.add(at("abc123", T0 + 15_000, 1150, Double.POSITIVE_INFINITY));
        reports.add(Reports.onGround("abc123", T0 + 20_000));
        reports.add(at("abc123", T0 + 25_000, Double.NaN, Double.NaN));
        RejectionLedger ledger = new RejectionLedger();
        Flight flight = segmenter.segment(reports, ledger).get(0);
        assertEquals(1, ledger.get("rate-out-of-range"));
        assertEquals(1, ledger.get("altitude-out-of-range"));
        assertEquals(1, ledger.get("duplicate-time"));
        assertEquals(1, ledger.get("rate-not-finite"));
        assertEquals(1, ledger.get("on-ground"));
        assertEquals(1, ledger.get("no-values"));
        assertEquals(4, flight.reports().size());
        for (Report r : flight.reports()) {
            assertTrue(!r.hasVerticalRate() || Math.abs(r.verticalRateFpm()) <= 10_000);
        }
    }

    @Test
    void oneReportAltitudeAndRateGlitchesAreRemoved() {
        List<Report> reports = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            reports.add(at("abc123", T0 + i * 1_000, 3000, 0));
        }
        reports.set(3, at("abc123", T0 + 3_000, 8000, 0));
        reports.set(5, at("abc123", T0 + 5_000, 3000, -6_000));
        RejectionLedger ledger = new RejectionLedger();
        Flight flight = segmenter.segment(reports, ledger).get(0);
        assertEquals(1, ledger.get("altitude-spike"));
        assertEquals(1, ledger.get("rate-spike"));
        // the glitches' other channel survives: the spike report keeps its rate, the rate glitch its altitude
        assertEquals(0, flight.reports().get(3).verticalRateFpm());
        assertEquals(3000, flight.reports().get(5).baroAltitudeFt());
    }

    @Test
    void missingRatesAreDerivedFromAltitudeWithALeastSquaresSlope() {
        List<Report> reports = new ArrayList<>();
        for (int i = 0; i <= 12; i++) {
            // a 1,500 ft/min climb reported every 4 s with 25 ft altitude quantization and no rate
            double altitude = Math.round((2000 + 1500 * i * 4 / 60.0) / 25) * 25.0;
            reports.add(at("abc123", T0 + i * 4_000, altitude, Double.NaN));
        }
        Flight flight = segmenter.segment(reports, new RejectionLedger()).get(0);
        Report middle = flight.reports().get(6);
        assertEquals(VerticalRateSource.DERIVED, middle.verticalRateSource());
        assertEquals(1500, middle.verticalRateFpm(), 40);
        // the first report has only later neighbours spanning 12 s < 15 s: too little to fit
        assertEquals(false, flight.reports().get(0).hasVerticalRate());
    }
}
