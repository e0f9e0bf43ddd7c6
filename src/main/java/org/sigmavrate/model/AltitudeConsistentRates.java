package org.sigmavrate.model;

import java.util.Arrays;

import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.model.baseline.AltitudeSpan;
import org.sigmavrate.model.density.CategoricalDensity;

/**
 * Makes the σ-GPT's rates agree with the observed altitudes. Over each hidden span between two known altitudes
 * ({@link AltitudeSpan}) the rate distribution of every hidden step is translated by λ·w_k, w_k being the width of
 * that step's central band, with the one λ per span that makes the mean of the shifted medians equal the span's mean
 * rate: under the altitude-difference baseline's integration rule the altitude change over the span is then matched
 * exactly. The model often knows the shape of a climb (where it starts, how it levels off) better than its size;
 * the altitudes fix the size, and the band width puts the correction where the model is least sure. Steps outside
 * such spans (before the first or after the last observation, or next to a missing altitude) are left as they are.
 */
public final class AltitudeConsistentRates {
    /** The band whose width distributes a span's correction over its steps. */
    public enum Band {
        CENTRAL_50(0.25, 0.75), CENTRAL_90(0.05, 0.95);

        private final double lower;
        private final double upper;

        Band(double lower, double upper) {
            this.lower = lower;
            this.upper = upper;
        }

        public double lower() {
            return lower;
        }

        public double upper() {
            return upper;
        }

        public int percent() {
            return (int) Math.round((upper - lower) * 100);
        }

        public static Band ofPercent(int percent) {
            for (Band b : values()) {
                if (b.percent() == percent) {
                    return b;
                }
            }
            throw new IllegalArgumentException("band must be 50 or 90 (percent), not " + percent);
        }
    }

    private final Band band;

    public AltitudeConsistentRates(Band band) {
        this.band = band;
    }

    public Band band() {
        return band;
    }

    /**
     * Per step, the translation (ft/min) of the rate distribution: 0 outside the spans.
     *
     * @param medians per step, the rate median of the hidden steps (other steps are not read)
     * @param widths  per step, the width of the hidden steps' central band (other steps are not read)
     */
    public double[] shifts(ObservedWindow window, double[] medians, double[] widths) {
        double[] shift = new double[window.steps()];
        for (AltitudeSpan span : AltitudeSpan.of(window)) {
            int n = span.hiddenSteps();
            double medianSum = 0;
            double widthSum = 0;
            for (int k = span.firstHidden(); k < span.after(); k++) {
                medianSum += medians[k];
                widthSum += Math.max(0, widths[k]);
            }
            double missing = n * span.meanRate() - medianSum;
            for (int k = span.firstHidden(); k < span.after(); k++) {
                // bands of no width (a density within one point) cannot carry a share: spread evenly instead
                shift[k] = widthSum > 0 ? missing * Math.max(0, widths[k]) / widthSum : missing / n;
            }
        }
        return shift;
    }

    /** The shifts of a window's rate densities (hidden steps only). */
    public double[] shifts(WindowDensity density) {
        ObservedWindow w = density.request();
        double[] medians = new double[w.steps()];
        double[] widths = new double[w.steps()];
        double[] levels = {band.lower, 0.5, band.upper};
        for (int s = 0; s < w.steps(); s++) {
            CategoricalDensity d = density.at(s, Channel.VERTICAL_RATE);
            if (d != null) {
                double[] q = d.quantiles(levels);
                medians[s] = q[1];
                widths[s] = q[2] - q[0];
            }
        }
        return shifts(w, medians, widths);
    }

    /**
     * The forecast with its rate estimate, mean and quantiles shifted; the joint sample paths are left as drawn (a
     * per-step translation would break their joint distribution). Needs the band's levels among the forecast's.
     */
    public WindowForecast apply(WindowForecast forecast) {
        double[] levels = forecast.quantileLevels();
        int lo = indexOf(levels, band.lower);
        int hi = indexOf(levels, band.upper);
        ChannelForecast rate = forecast.rate();
        int steps = rate.estimate().length;
        double[] widths = new double[steps];
        for (int s = 0; s < steps; s++) {
            widths[s] = rate.quantiles()[s][hi] - rate.quantiles()[s][lo];
        }
        double[] shift = shifts(forecast.request(), rate.estimate(), widths);
        double[] estimate = rate.estimate().clone();
        double[] mean = rate.mean().clone();
        double[][] quantiles = new double[steps][];
        for (int s = 0; s < steps; s++) {
            estimate[s] += shift[s];
            mean[s] += shift[s];
            quantiles[s] = rate.quantiles()[s].clone();
            for (int q = 0; q < quantiles[s].length; q++) {
                quantiles[s][q] += shift[s];
            }
        }
        ChannelForecast shifted = new ChannelForecast(rate.observed(), rate.values(), estimate, mean, quantiles,
                rate.samples());
        return new WindowForecast(forecast.request(), forecast.modelId(), forecast.specSha256(), levels, shifted,
                forecast.altitude(), forecast.forwardCalls());
    }

    private int indexOf(double[] levels, double level) {
        for (int i = 0; i < levels.length; i++) {
            if (Math.abs(levels[i] - level) < 1e-9) {
                return i;
            }
        }
        throw new IllegalArgumentException("the forecast's quantile levels " + Arrays.toString(levels)
                + " lack " + level + ", needed for the " + band.percent() + "% band");
    }
}
