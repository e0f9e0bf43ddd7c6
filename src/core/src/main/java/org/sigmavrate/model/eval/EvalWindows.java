package org.sigmavrate.model.eval;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.ingest.ReadResult;
import org.sigmavrate.ingest.UnreadableFileException;
import org.sigmavrate.preparation.FlightPreparation;
import org.sigmavrate.preparation.PreparationSettings;
import org.sigmavrate.preparation.PreparedFlight;
import org.sigmavrate.preparation.WindowPolicy;
import org.sigmavrate.preparation.WindowSpan;

/**
 * Reads evaluation windows from files: each flight prepared as for the dataset ({@link FlightPreparation}), cut into
 * {@link WindowPolicy.Evaluation} windows (64 consecutive steps that all have a true rate, not overlapping, greedily
 * from the flight's start), flights in file order.
 */
public final class EvalWindows {
    private static final WindowPolicy POLICY = new WindowPolicy.Evaluation();

    private final FlightPreparation preparation;

    public EvalWindows(PreparationSettings settings) {
        this.preparation = new FlightPreparation(settings);
    }

    /** What reading produced: the windows, and counts for the summary. */
    public record Loaded(List<EvalWindow> windows, int files, int flights, int shortFlights, long reports,
            List<String> problems) {
    }

    public Loaded load(List<Path> files, PrintStream progress) {
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
            for (PreparedFlight flight : preparation.prepare(result.reports(), new RejectionLedger())) {
                flights++;
                List<WindowSpan> spans = POLICY.spans(flight, preparation.settings().spec().grid());
                if (spans.isEmpty()) {
                    shortFlights++;
                }
                for (WindowSpan span : spans) {
                    windows.add(new EvalWindow(preparation.window(flight, span), (int) span.startStep(),
                            windows.size()));
                }
            }
        }
        return new Loaded(windows, files.size(), flights, shortFlights, reports, problems);
    }
}
