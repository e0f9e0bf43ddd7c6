package org.sigmavrate.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class FlightBootstrapTest {
    private final FlightBootstrap bootstrap = new FlightBootstrap(2000, 7);

    /** Flights whose baseline error sums vary, the row's being {@code meanRatio} times it, give or take 30%. */
    private static double[][] flights(int n, double meanRatio, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] num = new double[n];
        double[] den = new double[n];
        for (int i = 0; i < n; i++) {
            den[i] = (10 + rng.nextInt(60)) * (50 + 100 * rng.nextDouble());
            num[i] = den[i] * meanRatio * (0.7 + 0.6 * rng.nextDouble());
        }
        return new double[][] {num, den};
    }

    @Test
    void theIntervalHoldsTheRatioOfTheSumsAndNarrowsWithMoreFlights() {
        double[][] few = flights(25, 0.9, 1);
        double[][] many = flights(900, 0.9, 2);
        FlightBootstrap.Interval a = bootstrap.ratio(few[0], few[1]);
        FlightBootstrap.Interval b = bootstrap.ratio(many[0], many[1]);
        assertEquals(sum(few[0]) / sum(few[1]), a.estimate(), 1e-12);
        assertTrue(a.contains(a.estimate()) && b.contains(b.estimate()), a + " " + b);
        assertTrue(a.low() < a.high());
        assertTrue(b.width() < a.width() / 3, "36x the flights: about 6x narrower, " + a + " vs " + b);
        assertTrue(b.contains(0.9), b.toString());
    }

    @Test
    void flightsThatAllAgreeGiveAnIntervalOfNoWidthAndTheSeedFixesTheReplicates() {
        double[] den = {100, 250, 40, 90};
        double[] num = {80, 200, 32, 72};
        FlightBootstrap.Interval i = bootstrap.ratio(num, den);
        assertEquals(0.8, i.low(), 1e-12);
        assertEquals(0.8, i.high(), 1e-12);
        double[][] f = flights(50, 1.1, 3);
        assertEquals(bootstrap.ratio(f[0], f[1]), new FlightBootstrap(2000, 7).ratio(f[0], f[1]));
    }

    @Test
    void maeIsComparedWithTheBestPointBaselineAndCoverageOverFlights() {
        Metrics model = new Metrics();
        Metrics good = new Metrics();
        Metrics bad = new Metrics();
        for (int f = 0; f < 30; f++) {
            for (Metrics m : List.of(model, good, bad)) {
                m.window("flight-" + f);
            }
            for (int s = 0; s < 10; s++) {
                double truth = 100 * f + s;
                boolean inside = (f + s) % 2 == 0;
                model.add(truth, truth + 8, 6, Double.NaN, inside ? new double[] {truth - 1, truth + 1}
                        : new double[] {truth + 1, truth + 2}, new double[] {truth - 5, truth + 5});
                good.add(truth, truth - 10, 10, Double.NaN, null, null);
                bad.add(truth, truth + 20, 20, Double.NaN, null, null);
            }
        }
        Map<String, Metrics> rows = Map.of("model", model, "good", good, "bad", bad);
        List<BaselineComparisons.Ratio> ratios = BaselineComparisons.ratios(rows, List.of("model"),
                List.of("bad", "good"), null, bootstrap);
        assertEquals(1, ratios.size());
        assertEquals("good", ratios.get(0).baseline());
        assertEquals(0.8, ratios.get(0).interval().estimate(), 1e-12);
        List<BaselineComparisons.Ratio> variants = BaselineComparisons.ratios(rows, List.of("good", "model"),
                List.of("bad"), "bad", bootstrap);
        assertEquals(List.of("good/mae/bad", "good/crps/bad", "model/mae/bad", "model/crps/bad", "model/mae/good",
                "model/crps/good"), variants.stream().map(r -> r.row() + "/" + r.metric() + "/" + r.baseline()).toList(),
                "a later model row is also compared with the first");
        assertEquals(0.6, variants.get(5).interval().estimate(), 1e-12);
        List<BaselineComparisons.Coverage> cov = BaselineComparisons.coverages(rows, bootstrap);
        assertEquals(2, cov.size(), "only the model row has bands");
        assertEquals(0.5, cov.get(0).interval().estimate(), 1e-12);
        assertEquals(1.0, cov.get(1).interval().estimate(), 1e-12);
        assertEquals(30, model.byFlight().size());
    }

    private static double sum(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s;
    }
}
