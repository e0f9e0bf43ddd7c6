package org.sigmavrate.model.eval;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.FlightSegmenter;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.ReportCleaner;
import org.sigmavrate.domain.flight.VerticalRateDeriver;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridPlacer;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.ingest.ReadResult;
import org.sigmavrate.ingest.UnreadableFileException;

/**
 * Cuts flights into evaluation windows: each flight (segmented, cleaned and rate-filled as for the dataset) placed
 * on the grid from its first report; a step's truth is the rate of the nearest report with a rate within half a
 * step; windows are 64 consecutive steps all with a truth, not overlapping, taken greedily from the flight's start,
 * flights in file order.
 */
public final class EvalWindows {
    private final Spec spec;

    public EvalWindows(Spec spec) {
        this.spec = spec;
    }

    /** What reading produced: the windows, and counts for the summary. */
    public record Loaded(List<EvalWindow> windows, int files, int flights, int shortFlights, long reports,
            List<String> problems) {
    }

    public Loaded load(List<Path> files, PrintStream progress) {
        FlightSegmenter segmenter = new FlightSegmenter(FlightSegmenter.DEFAULT_MAX_GAP_MILLIS,
                new ReportCleaner(spec.limits(Channel.VERTICAL_RATE), spec.limits(Channel.ALTITUDE)),
                VerticalRateDeriver.standard());
        GridPlacer placer = new GridPlacer(spec.grid());
        List<EvalWindow> windows = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int flights = 0;
        int shortFlights = 0;
        long reports = 0;
        for (Path file : files) {
            ReadResult result;
            try {
                result = FlightReaders.read(file);
            } catch (UnreadableFileException e) {
                problems.add(e.getMessage());
                progress.println("evaluate: skipping " + e.getMessage());
                continue;
            }
            reports += result.reports().size();
            if (result.reports().isEmpty()) {
                problems.add(file + ": no usable reports (" + result.records() + " records, "
                        + result.problems().size() + " skipped)");
            }
            for (Flight flight : segmenter.segment(result.reports(), new RejectionLedger())) {
                flights++;
                List<EvalWindow> cut = cut(placer.place(flight), windows.size());
                if (cut.isEmpty()) {
                    shortFlights++;
                }
                windows.addAll(cut);
            }
        }
        return new Loaded(windows, files.size(), flights, shortFlights, reports, problems);
    }

    public List<EvalWindow> cut(GriddedFlight flight, int firstIndex) {
        int n = spec.grid().windowSteps();
        List<EvalWindow> out = new ArrayList<>();
        int run = 0;
        for (int s = 0; s < flight.steps(); s++) {
            run = flight.has(s, Channel.VERTICAL_RATE) ? run + 1 : 0;
            if (run == n) {
                int start = s - n + 1;
                out.add(new EvalWindow(flight.slice(start, n), start, firstIndex + out.size()));
                run = 0;
            }
        }
        return out;
    }
}
