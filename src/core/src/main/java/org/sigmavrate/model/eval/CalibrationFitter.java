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
import org.sigmavrate.domain.token.BinScale;
import org.sigmavrate.model.AltitudeConsistency;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.WindowDensity;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.calibration.ConformalBands;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.calibration.ResidualQuantiles;
import org.sigmavrate.model.density.CategoricalDensity;

/**
 * Fits a {@link Calibration} on (validation) windows: every window shown under each protocol exactly as
 * {@code evaluate} shows it (same seeds), and per {@link ObservationBuckets} bucket of the hidden steps, pooled over
 * the protocols, (a) the altitude-difference rule's residuals, whose empirical quantiles (type 7) at
 * {@link #RESIDUAL_LEVELS} become the probabilistic baseline, and (b) with a model, the CQR corrections of the
 * σ-GPT's central intervals, one for each central probability of the quantile levels to be published (0.05, 0.25,
 * 0.75, 0.95: the 50% and 90% intervals), with the chosen {@link ConformalBands.Score}, around the quantiles as the
 * model publishes them: moved by {@link SigmaGptForecaster#rateShifts} (altitude-consistent when its settings say
 * so, the consistency then recorded in the file). A bucket with fewer than
 * {@link #MIN_COUNT} values is left unfitted (its nearest fitted bucket stands in,
 * {@link ObservationBuckets#nearestFitted}).
 */
public final class CalibrationFitter {
    /** 0.005, 0.01, 0.02, ..., 0.98, 0.99, 0.995: fine enough that the piecewise-linear CRPS is the residuals'. */
    public static final double[] RESIDUAL_LEVELS = residualLevels();
    public static final int MIN_COUNT = 50;
    private final AltitudeDifferenceForecaster rule = new AltitudeDifferenceForecaster();
    private final SigmaGptForecaster model;
    private final long seed;
    private final int batchWindows;
    private final double[] coverages;
    private final ConformalBands.Score score;

    /** @param model null to fit the residual quantiles only */
    public CalibrationFitter(SigmaGptForecaster model, long seed, int batchWindows) {
        this(model, seed, batchWindows, HiddenStepScoring.BAND_LEVELS, ConformalBands.Score.RANDOMIZED);
    }

    /**
     * @param levels quantile levels to be published: the central intervals of their probabilities are fitted
     * @param score  the conformity score
     */
    public CalibrationFitter(SigmaGptForecaster model, long seed, int batchWindows, double[] levels,
            ConformalBands.Score score) {
        this.model = model;
        this.seed = seed;
        this.batchWindows = Math.max(1, batchWindows);
        this.coverages = ConformalBands.coveragesOf(levels);
        this.score = score;
        if (coverages.length == 0) {
            throw new IllegalArgumentException("no central interval to fit: levels " + Arrays.toString(levels));
        }
    }

    public Calibration fit(List<EvalWindow> windows, List<Protocol> protocols, Map<String, Object> inputs,
            PrintStream progress) {
        int buckets = ObservationBuckets.count();
        List<List<Double>> residuals = lists(buckets);
        // per coverage and bucket, per hidden step: {lo, median, hi, truth, bin lower edge, bin upper edge}
        List<List<List<double[]>>> steps = new ArrayList<>();
        for (int k = 0; k < coverages.length; k++) {
            steps.add(lists(buckets));
        }
        double[] levels = new double[2 * coverages.length + 1];
        for (int k = 0; k < coverages.length; k++) {
            levels[k] = (1 - coverages[coverages.length - 1 - k]) / 2;
            levels[levels.length - 1 - k] = 1 - levels[k];
        }
        levels[coverages.length] = 0.5;
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
                    int[] bucket = ObservationBuckets.of(o);
                    double[] point = rule.rates(o);
                    double[] shift = densities == null ? null : model.rateShifts(densities.get(i));
                    for (int s = 0; s < bucket.length; s++) {
                        if (bucket[s] < 0) {
                            continue;
                        }
                        double truth = w.truth().value(s, Channel.VERTICAL_RATE);
                        residuals.get(bucket[s]).add(truth - point[s]);
                        if (densities != null) {
                            CategoricalDensity d = densities.get(i).at(s, Channel.VERTICAL_RATE);
                            double[] q = d.quantiles(levels);
                            for (int l = 0; l < q.length; l++) {
                                q[l] += shift[s];
                            }
                            BinScale bins = d.scale();
                            int bin = bins.bin(truth);
                            for (int k = 0; k < coverages.length; k++) {
                                int lo = coverages.length - 1 - k;
                                steps.get(k).get(bucket[s]).add(new double[] {q[lo], q[coverages.length],
                                        q[levels.length - 1 - lo], truth, bins.lowerEdge(bin), bins.upperEdge(bin)});
                            }
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
        double[][] widen = new double[coverages.length][buckets];
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
            for (int k = 0; k < coverages.length; k++) {
                List<double[]> at = steps.get(k).get(b);
                scoreCounts[b] = at.size();
                widen[k][b] = at.size() >= MIN_COUNT ? correction(at, 1 - coverages[k]) : Double.NaN;
            }
        }
        Map<String, Object> fittedOn = new LinkedHashMap<>(inputs);
        fittedOn.put("windows", windows.size());
        fittedOn.put("flights", flights.size());
        fittedOn.put("protocols", protocols.stream().map(Protocol::label).toList());
        fittedOn.put("seed", seed);
        fittedOn.put("min_count_per_bucket", MIN_COUNT);
        fittedOn.put("band_levels", levels);
        return new Calibration(model == null ? null : model.modelId(), model == null ? null : model.specSha256(),
                model == null ? 0 : model.settings().maxKnown(), fittedOn,
                new ResidualQuantiles(RESIDUAL_LEVELS, quantiles, counts),
                model == null ? null : new ConformalBands(score, coverages, widen, scoreCounts),
                model == null ? AltitudeConsistency.OFF
                        : model.settings().altitudeConsistency());
    }

    /** c of one bucket's steps at miscoverage α, with this fitter's score. */
    private double correction(List<double[]> at, double alpha) {
        if (score == ConformalBands.Score.RANDOMIZED) {
            return ConformalBands.randomizedConformalQuantile(at, alpha);
        }
        double[] scores = new double[at.size()];
        for (int i = 0; i < scores.length; i++) {
            double[] s = at.get(i);
            scores[i] = Math.max(s[0] - s[3], s[3] - s[2]);
        }
        Arrays.sort(scores);
        return ConformalBands.conformalQuantile(scores, alpha);
    }

    private static <T> List<List<T>> lists(int n) {
        List<List<T>> out = new ArrayList<>();
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
