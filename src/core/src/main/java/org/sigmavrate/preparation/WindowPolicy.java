package org.sigmavrate.preparation;

import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.grid.GriddedFlight;

/**
 * How windows are taken from a flight on the grid. Each use of the model needs its own kind of window, so each has
 * its named policy here and nowhere else: {@link Training} for {@code dataset}, {@link Evaluation} for
 * {@code evaluate}, {@code calibrate} and {@code bench}, {@link Infill} for {@code infill}, {@link Trailing} for the
 * streaming service. Spans are counted on the flight's own grid, step 0 at its first report.
 */
public sealed interface WindowPolicy {

    /** The windows of one prepared flight, in time order. */
    List<WindowSpan> spans(PreparedFlight flight, GridDefinition grid);

    /**
     * Training windows ({@code dataset}): full-length windows starting every {@code stride} steps from the flight's
     * first step, kept when at least {@code minRateCoverage} of their steps have a vertical rate (a window of mostly
     * nothing teaches nothing). Overlapping windows give the model every offset of a flight's manoeuvres.
     *
     * @param stride          steps between the starts of consecutive windows
     * @param minRateCoverage fraction of a window's steps that must have a vertical rate, in [0, 1]
     */
    record Training(int stride, double minRateCoverage) implements WindowPolicy {
        public Training {
            if (stride <= 0) {
                throw new IllegalArgumentException("the stride must be positive");
            }
            if (minRateCoverage < 0 || minRateCoverage > 1) {
                throw new IllegalArgumentException("coverage must lie in [0, 1]");
            }
        }

        @Override
        public List<WindowSpan> spans(PreparedFlight flight, GridDefinition grid) {
            GriddedFlight g = flight.grid();
            int n = grid.windowSteps();
            double needed = Math.ceil(minRateCoverage * n);
            List<WindowSpan> spans = new ArrayList<>();
            for (int from = 0; from + n <= g.steps(); from += stride) {
                int rates = 0;
                for (int s = from; s < from + n; s++) {
                    if (g.has(s, Channel.VERTICAL_RATE)) {
                        rates++;
                    }
                }
                if (rates >= needed) {
                    spans.add(new WindowSpan(from, n));
                }
            }
            return spans;
        }
    }

    /**
     * Evaluation windows ({@code evaluate}, {@code calibrate}, {@code bench}): full-length windows in which every
     * step has a true vertical rate, so that any step can be hidden and scored; not overlapping, so that no step is
     * scored twice; taken greedily from the flight's first step.
     */
    record Evaluation() implements WindowPolicy {
        @Override
        public List<WindowSpan> spans(PreparedFlight flight, GridDefinition grid) {
            GriddedFlight g = flight.grid();
            int n = grid.windowSteps();
            List<WindowSpan> spans = new ArrayList<>();
            int run = 0;
            for (int s = 0; s < g.steps(); s++) {
                run = g.has(s, Channel.VERTICAL_RATE) ? run + 1 : 0;
                if (run == n) {
                    spans.add(new WindowSpan(s - n + 1, n));
                    run = 0;
                }
            }
            return spans;
        }
    }

    /**
     * Infill windows ({@code infill}): consecutive windows from the flight's first step to its last, each step in
     * exactly one, the last one shorter; every step without a report gets infilled once.
     */
    record Infill() implements WindowPolicy {
        @Override
        public List<WindowSpan> spans(PreparedFlight flight, GridDefinition grid) {
            int steps = flight.grid().steps();
            int n = grid.windowSteps();
            List<WindowSpan> spans = new ArrayList<>();
            for (int from = 0; from < steps; from += n) {
                spans.add(new WindowSpan(from, Math.min(n, steps - from)));
            }
            return spans;
        }
    }

    /**
     * The service's window ({@code serve}): the one window at the flight's latest report, ending {@code horizonMillis}
     * after it (rounded up to a step), so one call infills the recent past and forecasts ahead. It is
     * {@code maxSteps} long (the grid's window length when that is shorter), but never starts before the flight's
     * first step: steps before the aircraft was first seen would only be guessed backwards from its first reports, so
     * a young flight's window stays short (and its density pass cheap) instead of being padded with positions nobody
     * reads.
     *
     * @param horizonMillis how far past the latest report the window reaches
     * @param maxSteps      the longest window, in steps
     */
    record Trailing(long horizonMillis, int maxSteps) implements WindowPolicy {
        /** Windows of the grid's length. */
        public Trailing(long horizonMillis) {
            this(horizonMillis, Integer.MAX_VALUE);
        }

        public Trailing {
            if (horizonMillis < 0 || maxSteps < 1) {
                throw new IllegalArgumentException("the horizon must be >= 0 and the window at least a step");
            }
        }

        /** The window at {@code latestMillis} of a flight whose first report was at {@code flightStartMillis}. */
        public WindowSpan span(GridDefinition grid, long flightStartMillis, long latestMillis) {
            long stepMillis = grid.stepMillis();
            long endStep = Math.floorDiv(latestMillis + horizonMillis - flightStartMillis + stepMillis - 1, stepMillis);
            long startStep = Math.max(0, endStep - (Math.min(grid.windowSteps(), maxSteps) - 1));
            return new WindowSpan(startStep, (int) (endStep - startStep + 1));
        }

        /** The window the service would ask about at the flight's last report. */
        @Override
        public List<WindowSpan> spans(PreparedFlight flight, GridDefinition grid) {
            return List.of(span(grid, flight.flight().startMillis(), flight.flight().endMillis()));
        }
    }
}
