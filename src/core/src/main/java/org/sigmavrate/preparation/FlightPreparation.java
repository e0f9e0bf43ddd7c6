package org.sigmavrate.preparation;

import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.FlightSegmenter;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.ReportCleaner;
import org.sigmavrate.domain.flight.VerticalRateDeriver;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridPlacer;
import org.sigmavrate.domain.grid.GriddedFlight;

/**
 * The one way reports become flights on the grid, for training, evaluation, infill and the service alike: segmented
 * per aircraft at silences longer than the gap limit ({@link FlightSegmenter}), cleaned ({@link ReportCleaner}),
 * missing rates derived ({@link VerticalRateDeriver}), placed on the grid from the first report ({@link GridPlacer});
 * windows are then taken by a {@link WindowPolicy}. Every removal is counted in the caller's ledger.
 */
public final class FlightPreparation {
    private final PreparationSettings settings;
    private final ReportCleaner cleaner;
    private final VerticalRateDeriver deriver;
    private final FlightSegmenter segmenter;
    private final GridPlacer placer;

    public FlightPreparation(PreparationSettings settings) {
        this.settings = settings;
        this.cleaner = new ReportCleaner(settings.spec().limits(Channel.VERTICAL_RATE),
                settings.spec().limits(Channel.ALTITUDE));
        this.deriver = VerticalRateDeriver.standard();
        this.segmenter = new FlightSegmenter(settings.maxGapMillis(), cleaner, deriver);
        this.placer = new GridPlacer(settings.spec().grid());
    }

    public PreparationSettings settings() {
        return settings;
    }

    /** @param reports reports of one source, any aircraft, any order; flights come out in order of first appearance */
    public List<PreparedFlight> prepare(List<Report> reports, RejectionLedger ledger) {
        List<Flight> flights = segmenter.segment(reports, ledger);
        List<PreparedFlight> prepared = new ArrayList<>(flights.size());
        for (Flight flight : flights) {
            prepared.add(new PreparedFlight(flight, placer.place(flight)));
        }
        return prepared;
    }

    /** The windows a policy takes from the flight, in time order. */
    public List<GriddedFlight> windows(PreparedFlight flight, WindowPolicy policy) {
        List<GriddedFlight> windows = new ArrayList<>();
        for (WindowSpan span : policy.spans(flight, settings.spec().grid())) {
            windows.add(window(flight, span));
        }
        return windows;
    }

    /** The flight's values over a span of its grid; steps past its last report have none. */
    public GriddedFlight window(PreparedFlight flight, WindowSpan span) {
        GriddedFlight grid = flight.grid();
        if (span.endStep() <= grid.steps()) {
            return grid.slice((int) span.startStep(), span.steps());
        }
        return place(flight.flight(), grid.startMillis(), span);
    }

    /**
     * A stretch of one flight that the caller segmented itself (the service keeps each aircraft's current flight and
     * only its recent reports): cleaned and rates derived as {@link #prepare} does, as a flight with the given id.
     *
     * @param timeOrdered one aircraft's reports of one flight, in time order
     * @return the flight, or null when cleaning left no report
     */
    public Flight stretch(String flightId, List<Report> timeOrdered, RejectionLedger ledger) {
        List<Report> cleaned = deriver.fill(cleaner.clean(timeOrdered, ledger));
        if (cleaned.isEmpty()) {
            return null;
        }
        Report first = cleaned.get(0);
        return new Flight(flightId, first.icao24(), first.dataSource(), cleaned);
    }

    /** Places reports of a flight that started at {@code flightStartMillis} on a span of that flight's grid. */
    public GriddedFlight place(Flight flight, long flightStartMillis, WindowSpan span) {
        long start = flightStartMillis + span.startStep() * settings.spec().grid().stepMillis();
        return placer.place(flight, start, span.steps());
    }
}
