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
 * the altitudes fix the size, and the band width puts the correction where the model is least sure. With
 * {@link Share#VARIANCE} the shares go with the squared widths instead: the shift that conditioning independent
 * normal rates on their sum would give (the conditional mean moves each step by its variance's share). Steps outside
 * such spans (before the first or after the last observation, or next to a missing altitude) are left as they are.
 */
public final class AltitudeConsistentRates {
    /** The band whose width distributes a span's correction over its steps. */
    public enum Band {
        CENTRAL_50(0.25, 0.75, 0.6744898), CENTRAL_90(0.05, 0.95, 1.6448536);

        private final double lower;
        private final double upper;
        /** half the band's width in standard deviations of a normal distribution */
        private final double halfWidthSigmas;

        Band(double lower, double upper, double halfWidthSigmas) {
            this.lower = lower;
            this.upper = upper;
            this.halfWidthSigmas = halfWidthSigmas;
        }

        double sigma(double width) {
            return Math.max(0, width) / (2 * halfWidthSigmas);
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

    /** How a span's correction is shared among its hidden steps. */
    public enum Share {
        /** in proportion to each step's band width */
        WIDTH,
        /** in proportion to the squared width (Gaussian conditioning on the span's sum) */
        VARIANCE;

        public static Share parse(String text) {
            for (Share s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
            throw new IllegalArgumentException("share must be width or variance, not '" + text + "'");
        }
    }

    private final Band band;
    private final Share share;
    private final double altitudeNoiseFt;

    public AltitudeConsistentRates(Band band) {
        this(band, Share.WIDTH, 0);
    }

    /**
     * @param altitudeNoiseFt with {@link Share#VARIANCE}: the standard deviation (ft) of an observed altitude
     *                        difference, so that the span's sum is a noisy observation rather than a hard constraint:
     *                        each step moves by its variance over (the span's total variance + the variance of the
     *                        sum the altitudes imply). A short span of confident steps then moves little (its
     *                        altitude difference is mostly quantization), a long uncertain one nearly all the way.
     *                        0: a hard constraint, as with {@link Share#WIDTH}.
     */
    public AltitudeConsistentRates(Band band, Share share, double altitudeNoiseFt) {
        if (!(altitudeNoiseFt >= 0) || (altitudeNoiseFt > 0 && share != Share.VARIANCE)) {
            throw new IllegalArgumentException("altitude noise must be >= 0, and only goes with the variance share");
        }
        this.band = band;
        this.share = share;
        this.altitudeNoiseFt = altitudeNoiseFt;
    }

    public double altitudeNoiseFt() {
        return altitudeNoiseFt;
    }

    public Share share() {
        return share;
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
        double stepMinutes = window.window().stepMillis() / 60_000.0;
        for (AltitudeSpan span : AltitudeSpan.of(window)) {
            int n = span.hiddenSteps();
            double medianSum = 0;
            double weightSum = 0;
            for (int k = span.firstHidden(); k < span.after(); k++) {
                medianSum += medians[k];
                weightSum += weight(widths[k]);
            }
            double missing = n * span.meanRate() - medianSum;
            // the variance of the hidden rates' sum that the altitude difference implies: n * sigma_h / T
            double sumNoise = n * altitudeNoiseFt / ((span.after() - span.before()) * stepMinutes);
            double denominator = weightSum + sumNoise * sumNoise;
            for (int k = span.firstHidden(); k < span.after(); k++) {
                // bands of no width (a density within one point) cannot carry a share: spread evenly instead
                shift[k] = weightSum > 0 ? missing * weight(widths[k]) / denominator : missing / n;
            }
        }
        return shift;
    }

    /** A step's share of its span's correction: its band width, or its variance read from the band. */
    private double weight(double width) {
        return share == Share.WIDTH ? Math.max(0, width) : Math.pow(band.sigma(width), 2);
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
