package org.sigmavrate.model.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The σ-GPT rows of one protocol against the baselines, each ratio with its 95% interval over flights
 * ({@link FlightBootstrap}): MAE against the point baseline with the lowest MAE on the protocol (chosen once, on all
 * flights, not per replicate) and CRPS against the probabilistic altitude-difference baseline; every later σ-GPT row
 * (a variant of the first, the plain density) also against the first, MAE and CRPS; and the coverage of every row
 * with bands. A row is compared only when it scored the same windows as the baseline (the sample rows
 * score a subset).
 */
public final class BaselineComparisons {
    private BaselineComparisons() {
    }

    /** {@code row}'s {@code metric} summed over hidden steps, divided by {@code baseline}'s. */
    public record Ratio(String row, String metric, String baseline, FlightBootstrap.Interval interval) {
    }

    /**
     * The fraction of {@code row}'s truths inside its central interval of probability {@code level}; randomized: the
     * mean covered fraction of the truths' bins ({@link Metrics#coverage50Randomized}).
     */
    public record Coverage(String row, double level, boolean randomized, FlightBootstrap.Interval interval) {
        /** coverage_50, coverage_90_randomized: the name in metrics.json. */
        public String name() {
            return (level == 0.5 ? "coverage_50" : "coverage_90") + (randomized ? "_randomized" : "");
        }
    }

    public static List<Ratio> ratios(Map<String, Metrics> rows, List<String> modelRows, List<String> pointBaselines,
            String probabilisticBaseline, FlightBootstrap bootstrap) {
        String best = null;
        for (String b : pointBaselines) {
            Metrics m = rows.get(b);
            if (m != null && m.steps() > 0 && (best == null || m.mae() < rows.get(best).mae())) {
                best = b;
            }
        }
        List<Ratio> out = new ArrayList<>();
        for (String row : modelRows) {
            Metrics m = rows.get(row);
            if (m == null || m.steps() == 0) {
                continue;
            }
            if (best != null && m.windows() == rows.get(best).windows()) {
                out.add(new Ratio(row, "mae", best, ratio(m, rows.get(best), Metrics.Sums::absError, bootstrap)));
            }
            Metrics probabilistic = probabilisticBaseline == null ? null : rows.get(probabilisticBaseline);
            if (probabilistic != null && m.windows() == probabilistic.windows() && !Double.isNaN(m.crps())) {
                out.add(new Ratio(row, "crps", probabilisticBaseline,
                        ratio(m, probabilistic, Metrics.Sums::crps, bootstrap)));
            }
        }
        Metrics first = modelRows.isEmpty() ? null : rows.get(modelRows.get(0));
        for (String row : modelRows.subList(Math.min(1, modelRows.size()), modelRows.size())) {
            Metrics m = rows.get(row);
            if (first != null && m != null && m.steps() > 0 && m.windows() == first.windows()) {
                out.add(new Ratio(row, "mae", modelRows.get(0), ratio(m, first, Metrics.Sums::absError, bootstrap)));
                if (!Double.isNaN(m.crps()) && !Double.isNaN(first.crps())) {
                    out.add(new Ratio(row, "crps", modelRows.get(0), ratio(m, first, Metrics.Sums::crps, bootstrap)));
                }
            }
        }
        return out;
    }

    public static List<Coverage> coverages(Map<String, Metrics> rows, FlightBootstrap bootstrap) {
        List<Coverage> out = new ArrayList<>();
        for (Map.Entry<String, Metrics> e : rows.entrySet()) {
            Metrics m = e.getValue();
            if (Double.isNaN(m.coverage50())) {
                continue;
            }
            out.add(new Coverage(e.getKey(), 0.5, false, ratio(m, m, s -> s.in50(), s -> s.withBands(), bootstrap)));
            out.add(new Coverage(e.getKey(), 0.9, false, ratio(m, m, s -> s.in90(), s -> s.withBands(), bootstrap)));
            if (m.randomized()) {
                out.add(new Coverage(e.getKey(), 0.5, true,
                        ratio(m, m, s -> s.in50Randomized(), s -> s.withBands(), bootstrap)));
                out.add(new Coverage(e.getKey(), 0.9, true,
                        ratio(m, m, s -> s.in90Randomized(), s -> s.withBands(), bootstrap)));
            }
        }
        return out;
    }

    private static FlightBootstrap.Interval ratio(Metrics row, Metrics baseline, ToDoubleFunction<Metrics.Sums> metric,
            FlightBootstrap bootstrap) {
        return ratio(row, baseline, metric, metric, bootstrap);
    }

    /** The flights are the denominator row's; a flight the numerator row did not score contributes 0 to it. */
    private static FlightBootstrap.Interval ratio(Metrics numeratorRow, Metrics denominatorRow,
            ToDoubleFunction<Metrics.Sums> numerator, ToDoubleFunction<Metrics.Sums> denominator,
            FlightBootstrap bootstrap) {
        Map<String, Metrics.Sums> den = denominatorRow.byFlight();
        Map<String, Metrics.Sums> num = numeratorRow.byFlight();
        double[] a = new double[den.size()];
        double[] b = new double[den.size()];
        int i = 0;
        for (Map.Entry<String, Metrics.Sums> e : den.entrySet()) {
            Metrics.Sums n = num.get(e.getKey());
            a[i] = n == null ? 0 : numerator.applyAsDouble(n);
            b[i] = denominator.applyAsDouble(e.getValue());
            i++;
        }
        return bootstrap.ratio(a, b);
    }

    /** For metrics.json. */
    public static Map<String, Object> toMap(FlightBootstrap.Interval interval) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimate", num(interval.estimate()));
        m.put("ci95", Arrays.asList(num(interval.low()), num(interval.high())));
        return m;
    }

    private static Object num(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
