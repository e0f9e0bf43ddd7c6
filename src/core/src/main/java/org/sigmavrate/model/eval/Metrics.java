package org.sigmavrate.model.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.sigmavrate.domain.token.BinScale;
import org.sigmavrate.model.calibration.RandomizedCoverage;

/**
 * Running metrics of one row on one protocol, over hidden steps. The sums are also kept per flight, so that
 * intervals can resample flights (the windows of one flight are not independent of each other). Coverage is counted
 * twice: plain (the truth inside the interval) and, given the truth's bins, randomized ({@link RandomizedCoverage}:
 * the fraction of the truth's bin inside the interval).
 */
public final class Metrics {
    private final BinScale truthBins;
    private long windows;
    private final Sums total = new Sums();
    private final Map<String, Sums> byFlight = new LinkedHashMap<>();
    private Sums flight = new Sums();
    private double sqSum;
    private double nllSum;
    private long nllCount;
    private double width50Sum;
    private double width90Sum;

    /** Sums over hidden steps (of a whole row, or of one flight). */
    public static final class Sums {
        private long steps;
        private double absError;
        private double crps;
        private long withBands;
        private long in50;
        private long in90;
        private double in50Randomized;
        private double in90Randomized;

        public long steps() {
            return steps;
        }

        public double absError() {
            return absError;
        }

        public double crps() {
            return crps;
        }

        /** Steps whose row gave central intervals (the denominator of the coverages). */
        public long withBands() {
            return withBands;
        }

        public long in50() {
            return in50;
        }

        public long in90() {
            return in90;
        }

        /** Sum over steps with bands of the covered fraction of the truth's bin by the central 50% interval. */
        public double in50Randomized() {
            return in50Randomized;
        }

        public double in90Randomized() {
            return in90Randomized;
        }

        private void add(double absErr, double crpsValue, int bands, int inside50, int inside90, double r50, double r90) {
            steps++;
            absError += absErr;
            crps += crpsValue;
            withBands += bands;
            in50 += inside50;
            in90 += inside90;
            in50Randomized += r50;
            in90Randomized += r90;
        }
    }

    /** Without bins: no randomized coverage. */
    public Metrics() {
        this(null);
    }

    /** @param truthBins the truth's tokenizer scale (vertical rate), for the randomized coverage */
    public Metrics(BinScale truthBins) {
        this.truthBins = truthBins;
    }

    /** Starts a window of {@code flightId}: the steps added until the next call count for that flight. */
    public void window(String flightId) {
        windows++;
        flight = byFlight.computeIfAbsent(flightId, id -> new Sums());
    }

    /** One hidden step: truth, point estimate, CRPS; NaN NLL or null interval when the row has none. */
    public void add(double truth, double point, double crps, double nll, double[] central50, double[] central90) {
        double e = point - truth;
        sqSum += e * e;
        if (!Double.isNaN(nll)) {
            nllSum += nll;
            nllCount++;
        }
        int bands = 0;
        int in50 = 0;
        int in90 = 0;
        double r50 = 0;
        double r90 = 0;
        if (central50 != null && central90 != null) {
            bands = 1;
            in50 = truth >= central50[0] && truth <= central50[1] ? 1 : 0;
            in90 = truth >= central90[0] && truth <= central90[1] ? 1 : 0;
            if (truthBins != null) {
                r50 = RandomizedCoverage.of(central50[0], central50[1], truth, truthBins);
                r90 = RandomizedCoverage.of(central90[0], central90[1], truth, truthBins);
            }
            width50Sum += central50[1] - central50[0];
            width90Sum += central90[1] - central90[0];
        }
        total.add(Math.abs(e), crps, bands, in50, in90, r50, r90);
        flight.add(Math.abs(e), crps, bands, in50, in90, r50, r90);
    }

    public long steps() {
        return total.steps;
    }

    public long windows() {
        return windows;
    }

    /** Per flight id, in the order first scored. */
    public Map<String, Sums> byFlight() {
        return Collections.unmodifiableMap(byFlight);
    }

    public double mae() {
        return total.steps == 0 ? Double.NaN : total.absError / total.steps;
    }

    public double rmse() {
        return total.steps == 0 ? Double.NaN : Math.sqrt(sqSum / total.steps);
    }

    public double crps() {
        return total.steps == 0 || Double.isNaN(total.crps) ? Double.NaN : total.crps / total.steps;
    }

    public double nll() {
        return nllCount == 0 ? Double.NaN : nllSum / nllCount;
    }

    public double coverage50() {
        return total.withBands == 0 ? Double.NaN : total.in50 / (double) total.withBands;
    }

    public double coverage90() {
        return total.withBands == 0 ? Double.NaN : total.in90 / (double) total.withBands;
    }

    /** Randomized coverage of the central 50% interval: mean covered fraction of the truth's bin; NaN without bins. */
    public double coverage50Randomized() {
        return total.withBands == 0 || truthBins == null ? Double.NaN : total.in50Randomized / total.withBands;
    }

    public double coverage90Randomized() {
        return total.withBands == 0 || truthBins == null ? Double.NaN : total.in90Randomized / total.withBands;
    }

    /** Whether the randomized coverages are counted. */
    public boolean randomized() {
        return truthBins != null;
    }

    /** Mean width of the central 50% interval (ft/min). */
    public double width50() {
        return total.withBands == 0 ? Double.NaN : width50Sum / total.withBands;
    }

    public double width90() {
        return total.withBands == 0 ? Double.NaN : width90Sum / total.withBands;
    }

    /** For metrics.json: NaN becomes null. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windows", windows);
        m.put("flights", byFlight.size());
        m.put("hidden_steps", total.steps);
        m.put("mae_fpm", num(mae()));
        m.put("rmse_fpm", num(rmse()));
        m.put("crps_fpm", num(crps()));
        m.put("nll_per_hidden_step", num(nll()));
        m.put("coverage_50", num(coverage50()));
        m.put("coverage_90", num(coverage90()));
        m.put("coverage_50_randomized", num(coverage50Randomized()));
        m.put("coverage_90_randomized", num(coverage90Randomized()));
        m.put("width_50_fpm", num(width50()));
        m.put("width_90_fpm", num(width90()));
        return m;
    }

    private static Object num(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
