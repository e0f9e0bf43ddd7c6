package org.sigmavrate.model;

import java.util.Arrays;

import org.sigmavrate.model.sampling.BurstVariant;

/**
 * How {@link SigmaGptForecaster} answers. The configured values and their defaults: src/config's ForecasterConfig
 * ({@code forecaster.*}, and the command line's options).
 *
 * @param quantileLevels probability levels of the bands, ascending in (0, 1)
 * @param samples        joint sample paths per window (0: densities only)
 * @param sampler        burst (default) or sequential
 * @param burstVariant   exact by default (see {@link BurstVariant})
 * @param maxBatch       most sequences per forward call
 * @param maxKnown       most observed positions a window is conditioned on (0: all): beyond it, those nearest in
 *                       time to a position asked about are kept (see {@link ContextSelector})
 * @param maxKnownSpan   steps beyond the nearest observed one within which observed positions are kept (0: any)
 * @param altitudeConsistency whether the published rates are shifted to agree with the observed altitudes

 */
public record ForecastSettings(double[] quantileLevels, int samples, SamplerKind sampler, BurstVariant burstVariant,
        int maxBatch, int maxKnown, int maxKnownSpan, AltitudeConsistency altitudeConsistency) {
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
        if (samples < 0 || maxBatch < 1 || maxKnown < 0 || maxKnownSpan < 0) {
            throw new IllegalArgumentException("samples >= 0, max batch >= 1, max known and its span >= 0 (0: all)");
        }
        if (altitudeConsistency == null) {
            throw new IllegalArgumentException("altitude consistency: a setting, off or on");
        }
    }

    public ForecastSettings withSamples(int n) {
        return new ForecastSettings(quantileLevels, n, sampler, burstVariant, maxBatch, maxKnown, maxKnownSpan,
                altitudeConsistency);
    }

    public ForecastSettings withLevels(double[] levels) {
        return new ForecastSettings(levels, samples, sampler, burstVariant, maxBatch, maxKnown, maxKnownSpan,
                altitudeConsistency);
    }

    public ForecastSettings withSampler(SamplerKind kind) {
        return new ForecastSettings(quantileLevels, samples, kind, burstVariant, maxBatch, maxKnown, maxKnownSpan,
                altitudeConsistency);
    }

    public ForecastSettings withMaxKnown(int positions) {
        return new ForecastSettings(quantileLevels, samples, sampler, burstVariant, maxBatch, positions, maxKnownSpan,
                altitudeConsistency);
    }

    public ForecastSettings withMaxKnownSpan(int steps) {
        return new ForecastSettings(quantileLevels, samples, sampler, burstVariant, maxBatch, maxKnown, steps,
                altitudeConsistency);
    }

    public ForecastSettings withAltitudeConsistency(AltitudeConsistency consistency) {
        return new ForecastSettings(quantileLevels, samples, sampler, burstVariant, maxBatch, maxKnown, maxKnownSpan,
                consistency);
    }
}
