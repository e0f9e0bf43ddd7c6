package org.sigmavrate.domain.forecast;

/**
 * The forecast of one channel over a window.
 *
 * @param observed  per step: whether the value was observed
 * @param values    per step: the observed value, or NaN
 * @param estimate  per step: point estimate (median of the conditional density); the observed value where observed
 * @param mean      per step: mean of the conditional density; the observed value where observed
 * @param quantiles [step][level]: values at the forecaster's quantile levels
 * @param samples   [path][step]: joint sample paths; observed steps keep their observed values
 */
public record ChannelForecast(boolean[] observed, double[] values, double[] estimate, double[] mean,
        double[][] quantiles, double[][] samples) {
}
