package org.sigmavrate.model.eval;

import java.util.Arrays;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.token.Tokenizer;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.density.CategoricalDensity;
import org.sigmavrate.model.density.PiecewiseLinearQuantiles;
import org.sigmavrate.model.sampling.SampleResult;

/** How each kind of row scores the hidden steps of one window into its {@link Metrics}. */
final class HiddenStepScoring {
    /** q05, q25, median, q75, q95: the levels of the scored bands. */
    static final double[] BAND_LEVELS = {0.05, 0.25, 0.5, 0.75, 0.95};

    private HiddenStepScoring() {
    }

    /** The density of (step, channel) of one window. */
    @FunctionalInterface
    interface DensityAt {
        CategoricalDensity at(int step, Channel channel);
    }

    static void scoreDensity(Metrics m, EvalWindow w, boolean[] hidden, DensityAt d) {
        m.window(w.truth().flightId());
        for (int s = 0; s < hidden.length; s++) {
            if (!hidden[s]) {
                continue;
            }
            double truth = w.truth().value(s, Channel.VERTICAL_RATE);
            CategoricalDensity c = d.at(s, Channel.VERTICAL_RATE);
            double p = c.probabilityOf(truth);
            m.add(truth, c.median(), c.crps(truth), -Math.log(Math.max(p, 1e-300)),
                    new double[] {c.quantile(0.25), c.quantile(0.75)}, new double[] {c.quantile(0.05), c.quantile(0.95)});
        }
    }

    /**
     * Each hidden step's density translated by {@code shift[step]}: its CRPS at y is the unshifted CRPS at y - shift,
     * its quantiles move by the shift. No NLL: a translated bin distribution no longer sits on the bins.
     */
    static void scoreShifted(Metrics m, EvalWindow w, boolean[] hidden, DensityAt d, double[] shift) {
        m.window(w.truth().flightId());
        for (int s = 0; s < hidden.length; s++) {
            if (!hidden[s]) {
                continue;
            }
            double truth = w.truth().value(s, Channel.VERTICAL_RATE);
            double[] q = d.at(s, Channel.VERTICAL_RATE).quantiles(BAND_LEVELS);
            for (int k = 0; k < q.length; k++) {
                q[k] += shift[s];
            }
            m.add(truth, q[2], d.at(s, Channel.VERTICAL_RATE).crps(truth - shift[s]), Double.NaN,
                    new double[] {q[1], q[3]}, new double[] {q[0], q[4]});
        }
    }

    /**
     * The density's quantiles moved by {@code shift} (the forecaster's {@code rateShifts}: 0 unless it publishes
     * altitude-consistent rates) and then corrected per bucket by {@code bands} (at {@link #BAND_LEVELS}), as the
     * service and infill publish them; the point is the shifted median. No CRPS or NLL of its own.
     */
    static void scoreConformal(Metrics m, EvalWindow w, ObservedWindow shown, DensityAt d, double[] shift,
            CalibratedBands bands) {
        m.window(w.truth().flightId());
        int[] buckets = ObservationBuckets.of(shown);
        for (int s = 0; s < buckets.length; s++) {
            if (buckets[s] < 0) {
                continue;
            }
            double truth = w.truth().value(s, Channel.VERTICAL_RATE);
            double[] q = d.at(s, Channel.VERTICAL_RATE).quantiles(BAND_LEVELS);
            for (int k = 0; k < q.length; k++) {
                q[k] += shift[s];
            }
            q = bands.correct(buckets[s], q);
            m.add(truth, q[2], Double.NaN, Double.NaN, new double[] {q[1], q[3]}, new double[] {q[0], q[4]});
        }
    }

    /** A point forecast with a predictive distribution per hidden step: exact CRPS, bands from its quantiles. */
    static void scoreQuantileFunctions(Metrics m, EvalWindow w, boolean[] hidden, double[] points,
            PiecewiseLinearQuantiles[] distributions) {
        m.window(w.truth().flightId());
        for (int s = 0; s < hidden.length; s++) {
            if (!hidden[s]) {
                continue;
            }
            scoreQuantileFunction(m, w.truth().value(s, Channel.VERTICAL_RATE), points[s], distributions[s]);
        }
    }

    /** One step of a point forecast with a predictive distribution given by quantiles (exact CRPS, its bands). */
    static void scoreQuantileFunction(Metrics m, double truth, double point, PiecewiseLinearQuantiles q) {
        m.add(truth, point, q.crps(truth), Double.NaN, new double[] {q.quantile(0.25), q.quantile(0.75)},
                new double[] {q.quantile(0.05), q.quantile(0.95)});
    }

    static void scoreSamples(Metrics m, Tokenizer tok, EvalWindow w, boolean[] hidden, SampleResult r) {
        m.window(w.truth().flightId());
        int k = r.tokens().length;
        double[] values = new double[k];
        double[] probs = new double[k];
        Arrays.fill(probs, 1.0 / k);
        for (int s = 0; s < hidden.length; s++) {
            if (!hidden[s]) {
                continue;
            }
            int pos = s * Channel.COUNT + Channel.VERTICAL_RATE.ordinal();
            for (int p = 0; p < k; p++) {
                values[p] = tok.decode((int) r.tokens()[p][pos]);
            }
            Arrays.sort(values);
            double truth = w.truth().value(s, Channel.VERTICAL_RATE);
            m.add(truth, Evaluator.empiricalQuantile(values, 0.5), CategoricalDensity.crpsDiscrete(values, probs, truth), Double.NaN,
                    new double[] {Evaluator.empiricalQuantile(values, 0.25), Evaluator.empiricalQuantile(values, 0.75)},
                    new double[] {Evaluator.empiricalQuantile(values, 0.05), Evaluator.empiricalQuantile(values, 0.95)});
        }
    }

    static void scorePoint(Metrics m, EvalWindow w, boolean[] hidden, WindowForecast f) {
        m.window(w.truth().flightId());
        for (int s = 0; s < hidden.length; s++) {
            if (!hidden[s]) {
                continue;
            }
            double truth = w.truth().value(s, Channel.VERTICAL_RATE);
            double point = f.rate().estimate()[s];
            m.add(truth, point, Math.abs(point - truth), Double.NaN, null, null);
        }
    }
}
