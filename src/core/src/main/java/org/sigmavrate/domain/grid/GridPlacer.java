package org.sigmavrate.domain.grid;

import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;

/**
 * Places a flight on the grid from its first report: each step takes each channel from the report nearest in
 * time that has that channel, if it lies within half a step; on a tie the earlier report wins.
 */
public final class GridPlacer {
    private final GridDefinition grid;

    public GridPlacer(GridDefinition grid) {
        this.grid = grid;
    }

    public GriddedFlight place(Flight flight) {
        return place(flight, flight.startMillis(), stepsCovering(flight));
    }

    /** Places the flight on {@code steps} steps starting at {@code startMillis} (which may precede the flight). */
    public GriddedFlight place(Flight flight, long startMillis, int steps) {
        List<Report> reports = flight.reports();
        int[] rateSource = nearest(reports, startMillis, steps, Report::hasVerticalRate);
        int[] altitudeSource = nearest(reports, startMillis, steps, Report::hasBaroAltitude);
        double[] rates = values(reports, rateSource, Report::verticalRateFpm);
        double[] altitudes = values(reports, altitudeSource, Report::baroAltitudeFt);
        byte[] flags = new byte[steps];
        for (int k = 0; k < steps; k++) {
            if (rateSource[k] >= 0) {
                boolean derived = reports.get(rateSource[k]).verticalRateSource() == VerticalRateSource.DERIVED;
                flags[k] = derived ? GriddedFlight.RATE_DERIVED : GriddedFlight.RATE_REPORTED;
            }
        }
        return new GriddedFlight(flight.id(), flight.dataSource(), startMillis, grid.stepMillis(), rates, altitudes,
                flags);
    }

    public int stepsCovering(Flight flight) {
        long span = flight.endMillis() - flight.startMillis();
        return (int) ((span + grid.stepMillis() / 2) / grid.stepMillis()) + 1;
    }

    /** Index of the report used by each step, or -1. Reports are time-ordered, so one forward sweep suffices. */
    private int[] nearest(List<Report> reports, long startMillis, int steps, Predicate<Report> has) {
        int[] chosen = new int[steps];
        long half = grid.stepMillis() / 2;
        int cursor = 0;
        for (int k = 0; k < steps; k++) {
            long t = startMillis + k * grid.stepMillis();
            while (cursor < reports.size() && reports.get(cursor).timeMillis() < t - half) {
                cursor++;
            }
            int best = -1;
            long bestDistance = Long.MAX_VALUE;
            for (int j = cursor; j < reports.size() && reports.get(j).timeMillis() <= t + half; j++) {
                if (has.test(reports.get(j))) {
                    long distance = Math.abs(reports.get(j).timeMillis() - t);
                    if (distance < bestDistance) {
                        best = j;
                        bestDistance = distance;
                    }
                }
            }
            chosen[k] = best;
        }
        return chosen;
    }

    private static double[] values(List<Report> reports, int[] source, ToDoubleFunction<Report> value) {
        double[] out = new double[source.length];
        for (int k = 0; k < source.length; k++) {
            out[k] = source[k] < 0 ? Double.NaN : value.applyAsDouble(reports.get(source[k]));
        }
        return out;
    }
}
