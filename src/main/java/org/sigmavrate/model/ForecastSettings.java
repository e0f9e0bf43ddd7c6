package org.sigmavrate.model;

import java.util.Arrays;

import org.sigmavrate.model.sampling.BurstVariant;

/**
 * How {@link SigmaGptForecaster} answers.
 *
 * @param quantileLevels probability levels of the bands, ascending in (0, 1)
 * @param samples        joint sample paths per window (0: densities only)
 * @param sampler        burst (default) or sequential
 * @param burstVariant   exact by default (see {@link BurstVariant})
 * @param maxBatch       most sequences per forward call
 */
public record ForecastSettings(double[] quantileLevels, int samples, SamplerKind sampler, BurstVariant burstVariant,
        int maxBatch) {
    public static final double[] DEFAULT_LEVELS = {0.05, 0.25, 0.5, 0.75, 0.95};

    public enum SamplerKind {
        BURST, SEQUENTIAL
    }

    public ForecastSettings {
        quantileLevels = quantileLevels.clone();
        for (int i = 0; i < quantileLevels.length; i++) {
            if (!(quantileLevels[i] > 0 && quantileLevels[i] < 1) || (i > 0 && quantileLevels[i] <= quantileLevels[i - 1])) {
                throw new IllegalArgumentException("quantile levels must be ascending in (0, 1): "
                        + Arrays.toString(quantileLevels));
            }
        }
        if (samples < 0 || maxBatch < 1) {
            throw new IllegalArgumentException("samples >= 0 and max batch >= 1");
        }
    }

    public static ForecastSettings defaults() {
        return new ForecastSettings(DEFAULT_LEVELS, 16, SamplerKind.BURST, BurstVariant.EXACT, 64);
    }

    public ForecastSettings withSamples(int n) {
        return new ForecastSettings(quantileLevels, n, sampler, burstVariant, maxBatch);
    }

    public ForecastSettings withLevels(double[] levels) {
        return new ForecastSettings(levels, samples, sampler, burstVariant, maxBatch);
    }

    public ForecastSettings withSampler(SamplerKind kind) {
        return new ForecastSettings(quantileLevels, samples, kind, burstVariant, maxBatch);
    }
}
