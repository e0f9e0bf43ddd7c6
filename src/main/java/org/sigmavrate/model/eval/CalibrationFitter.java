package org.sigmavrate.model.eval;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.WindowDensity;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.baseline.ProbabilisticAltitudeDifference;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.calibration.ConformalBands;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.calibration.ResidualQuantiles;
import org.sigmavrate.model.density.CategoricalDensity;

/**
 * Fits a {@link Calibration} on (validation) windows: every window shown under each protocol exactly as
 * {@code evaluate} shows it (same seeds), and per {@link ObservationBuckets} bucket of the hidden steps, pooled over
 * the protocols, (a) the altitude-difference rule's residuals, whose empirical quantiles (type 7) at
 * {@link #RESIDUAL_LEVELS} become the probabilistic baseline, and (b) with a model, the CQR conformity scores of the
 * σ-GPT's central 50% and 90% bands. A bucket with fewer than {@link #MIN_COUNT} values is left unfitted (its
 * nearest fitted bucket stands in, {@link ObservationBuckets#nearestFitted}).
 */
public final class CalibrationFitter {
    /** 0.005, 0.01, 0.02, ..., 0.98, 0.99, 0.995: fine enough that the piecewise-linear CRPS is the residuals'. */
    public static final double[] RESIDUAL_LEVELS = residualLevels();
    public static final int MIN_COUNT = 50;
    private final AltitudeDifferenceForecaster rule = new AltitudeDifferenceForecaster();
    private final SigmaGptForecaster model;
    private final long seed;
    private final int batchWindows;

    /** @param model null to fit the residual quantiles only */
    public CalibrationFitter(SigmaGptForecaster model, long seed, int batchWindows) {
        this.model = model;
        this.seed = seed;
        this.batchWindows = Math.max(1, batchWindows);
    }

    public Calibration fit(List<EvalWindow> windows, List<Protocol> protocols, Map<String, Object> inputs,
            PrintStream progress) {
        int buckets = ObservationBuckets.count();
        List<List<Double>> residuals = lists(buckets);
        List<List<Double>> scores50 = lists(buckets);
        List<List<Double>> scores90 = lists(buckets);
        Set<String> flights = new LinkedHashSet<>();
        for (Protocol protocol : protocols) {
            for (int from = 0; from < windows.size(); from += batchWindows) {
                List<EvalWindow> batch = windows.subList(from, Math.min(windows.size(), from + batchWindows));
                List<ObservedWindow> shown = Evaluator.Shown.of(seed, protocol, batch).observed();
                List<WindowDensity> densities = model == null ? null : model.densities(shown);
                for (int i = 0; i < batch.size(); i++) {
                    EvalWindow w = batch.get(i);
                    flights.add(w.truth().flightId());
                    ObservedWindow o = shown.get(i);
                    int[] bucket = ObservationBuckets.of(ProbabilisticAltitudeDifference.observedSteps(o));
                    double[] point = rule.rates(o);
                    for (int s = 0; s < bucket.length; s++) {
                        if (bucket[s] < 0) {
                            continue;
                        }
                        double truth = w.truth().value(s, Channel.VERTICAL_RATE);
                        residuals.get(bucket[s]).add(truth - point[s]);
                        if (densities != null) {
                            CategoricalDensity d = densities.get(i).at(s, Channel.VERTICAL_RATE);
                            double[] q = d.quantiles(HiddenStepScoring.BAND_LEVELS);
                            scores50.get(bucket[s]).add(Math.max(q[1] - truth, truth - q[3]));
                            scores90.get(bucket[s]).add(Math.max(q[0] - truth, truth - q[4]));
                        }
                    }
                }
            }
            if (progress != null) {
                progress.printf("calibrate: %s: %d windows%n", protocol.label(), windows.size());
            }
        }
        double[][] quantiles = new double[buckets][];
        long[] counts = new long[buckets];
        double[] widen50 = new double[buckets];
        double[] widen90 = new double[buckets];
        long[] scoreCounts = new long[buckets];
        for (int b = 0; b < buckets; b++) {
            double[] r = sorted(residuals.get(b));
            counts[b] = r.length;
            if (r.length >= MIN_COUNT) {
                quantiles[b] = new double[RESIDUAL_LEVELS.length];
                for (int l = 0; l < RESIDUAL_LEVELS.length; l++) {
                    quantiles[b][l] = Evaluator.empiricalQuantile(r, RESIDUAL_LEVELS[l]);
                }
            }
            double[] s50 = sorted(scores50.get(b));
            double[] s90 = sorted(scores90.get(b));
            scoreCounts[b] = s50.length;
            widen50[b] = s50.length >= MIN_COUNT ? ConformalBands.conformalQuantile(s50, 0.5) : Double.NaN;
            widen90[b] = s90.length >= MIN_COUNT ? ConformalBands.conformalQuantile(s90, 0.1) : Double.NaN;
        }
        Map<String, Object> fittedOn = new LinkedHashMap<>(inputs);
        fittedOn.put("windows", windows.size());
        fittedOn.put("flights", flights.size());
        fittedOn.put("protocols", protocols.stream().map(Protocol::label).toList());
        fittedOn.put("seed", seed);
        fittedOn.put("min_count_per_bucket", MIN_COUNT);
        return new Calibration(model == null ? null : model.modelId(), model == null ? null : model.specSha256(),
                model == null ? 0 : model.settings().maxKnown(), fittedOn,
                new ResidualQuantiles(RESIDUAL_LEVELS, quantiles, counts),
                model == null ? null : new ConformalBands(widen50, widen90, scoreCounts));
    }

    private static List<List<Double>> lists(int n) {
        List<List<Double>> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new ArrayList<>());
        }
        return out;
    }

    private static double[] sorted(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(v);
        return v;
    }

    private static double[] residualLevels() {
        double[] levels = new double[101];
        levels[0] = 0.005;
        for (int i = 1; i <= 99; i++) {
            levels[i] = i / 100.0;
        }
        levels[100] = 0.995;
        return levels;
    }
}
