package org.sigmavrate.model;

import java.nio.file.Path;

import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.sampling.BurstVariant;

/** The tiny σ-GPT exported for tests (src/core/src/test/resources/models/README.md says how it was made). */
public final class TinyModel {
    private static SigmaGptSession shared;

    private TinyModel() {
    }

    /** Tests of every module run from the repository root (the build sets their working directory there). */
    public static final Path DIRECTORY = Path.of("src/core/src/test/resources/models/tiny-test-v1");

    public static Path directory() {
        if (!java.nio.file.Files.isRegularFile(DIRECTORY.resolve("model.onnx"))) {
            throw new IllegalStateException("test model missing from " + DIRECTORY.toAbsolutePath());
        }
        return DIRECTORY;
    }

    /** One session for the whole test run (closing is left to the JVM). */
    public static synchronized SigmaGptSession session() {
        if (shared == null) {
            shared = SigmaGptSession.open(directory(), new SessionConfig(1, ExecutionProvider.CPU));
        }
        return shared;
    }

    /** Altitude consistency on with the parameters the service runs with (90% band, variance share, 400 ft). */
    public static final AltitudeConsistency CONSISTENT = new AltitudeConsistency(true,
            AltitudeConsistentRates.Band.CENTRAL_90, AltitudeConsistentRates.Share.VARIANCE, 400);

    /** The quantile levels the tests publish (5%, 25%, median, 75%, 95%). */
    public static final double[] LEVELS = {0.05, 0.25, 0.5, 0.75, 0.95};

    /**
     * Settings for tests of the forecaster: K sample paths, {@link #LEVELS}, burst sampler, 16 sequences per call, at
     * most 32 observed positions, altitude consistency as given (the configured defaults are src/config's
     * ForecasterConfig, out of the core's reach).
     */
    public static ForecastSettings settings(int samples, AltitudeConsistency consistency) {
        return new ForecastSettings(LEVELS, samples, ForecastSettings.SamplerKind.BURST, BurstVariant.EXACT, 16, 32, 0,
                consistency);
    }
}
