package org.sigmavrate.batching;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.GridPlacer;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.ingest.UnreadableFileException;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.TrackRules;

/**
 * The windows a real recording triggers: 20 minutes of readsb reports of 19 aircraft near Reno
 * ({@code data/flights/eastham-extra/tests-20minutes-20230829.jsonl.gz}), replayed in time order through one
 * {@link FlightTrack} per aircraft, with the service's default rules (10 s cadence, 2 reports, 120 s horizon). Each
 * window is the track's reports placed on the grid (not cleaned: the scheduler only needs real windows, real
 * changes and real timing) and is queued at its triggering report's time.
 */
final class RealTraffic {
    static final Path FILE = Path.of("data/flights/eastham-extra/tests-20minutes-20230829.jsonl.gz");
    static final TrackRules RULES = new TrackRules(SpecLoader.bundled().grid(), 120_000, 10_000, 60_000, 10 * 60_000, 2);

    private RealTraffic() {
    }

    /** Every triggered window, in trigger order. */
    static List<PendingWindow> windows() {
        List<Report> reports;
        try {
            reports = new ArrayList<>(FlightReaders.read(FILE).reports());
        } catch (UnreadableFileException e) {
            throw new IllegalStateException(e);
        }
        reports.sort(Comparator.comparingLong(Report::timeMillis));
        Map<String, FlightTrack> tracks = new HashMap<>();
        GridPlacer placer = new GridPlacer(RULES.grid());
        List<PendingWindow> out = new ArrayList<>();
        for (Report r : reports) {
            FlightTrack track = tracks.computeIfAbsent(r.icao24(), FlightTrack::new);
            if (track.accept(r, RULES) == FlightTrack.Outcome.TRIGGERED) {
                ObservedWindow window = window(track, placer);
                out.add(new PendingWindow(window, track.markTriggered(), r.timeMillis()));
            }
        }
        return out;
    }

    /** The first window of each of the first {@code n} aircraft to trigger. */
    static List<PendingWindow> firstOfEach(List<PendingWindow> windows, int n) {
        Map<String, PendingWindow> first = new java.util.LinkedHashMap<>();
        for (PendingWindow p : windows) {
            if (first.size() < n) {
                first.putIfAbsent(p.icao24(), p);
            }
        }
        return new ArrayList<>(first.values());
    }

    private static ObservedWindow window(FlightTrack track, GridPlacer placer) {
        long stepMillis = RULES.grid().stepMillis();
        long startStep = track.windowStartStep(RULES);
        long gridStart = track.flightStart() + startStep * stepMillis;
        Flight flight = new Flight(track.flightId(), track.icao24(), track.dataSource(),
                track.reportsFrom(startStep, stepMillis));
        GriddedFlight gridded = placer.place(flight, gridStart, track.windowSteps(RULES));
        // the seed is the grid start: the point baseline these tests run draws nothing
        return new ObservedWindow(track.icao24(), gridded, track.latest(), gridStart);
    }
}
