package org.sigmavrate.streaming;

import java.util.List;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.ReportCleaner;
import org.sigmavrate.domain.flight.VerticalRateDeriver;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridPlacer;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.TrackRules;

/**
 * Turns a flight's track into the window a forecaster is asked about: the window ends at the latest report plus
 * the horizon (on the flight's own grid), so one call infills the past gaps and forecasts ahead. The chosen reports
 * are cleaned and missing rates derived exactly as for training data, then placed on the grid.
 */
public final class WindowAssembler {
    private final TrackRules rules;
    private final ReportCleaner cleaner;
    private final VerticalRateDeriver deriver;
    private final GridPlacer placer;

    public WindowAssembler(Spec spec, TrackRules rules) {
        this.rules = rules;
        this.cleaner = new ReportCleaner(spec.limits(Channel.VERTICAL_RATE), spec.limits(Channel.ALTITUDE));
        this.deriver = VerticalRateDeriver.standard();
        this.placer = new GridPlacer(rules.grid());
    }

    public TrackRules rules() {
        return rules;
    }

    /** @return the window at the track's latest report, or null when cleaning left nothing */
    public ObservedWindow window(FlightTrack track, RejectionLedger ledger) {
        long stepMillis = rules.grid().stepMillis();
        long startStep = track.windowStartStep(rules);
        List<Report> reports = track.reportsFrom(startStep - 2, stepMillis);
        List<Report> cleaned = deriver.fill(cleaner.clean(reports, ledger));
        if (cleaned.isEmpty()) {
            return null;
        }
        String flightId = track.flightId();
        long gridStart = track.flightStart() + startStep * stepMillis;
        Flight flight = new Flight(flightId, track.icao24(), track.dataSource(), cleaned);
        GriddedFlight gridded = placer.place(flight, gridStart, track.windowSteps(rules));
        return new ObservedWindow(track.icao24(), gridded, track.latest(), Seeds.of(flightId, gridStart));
    }
}
