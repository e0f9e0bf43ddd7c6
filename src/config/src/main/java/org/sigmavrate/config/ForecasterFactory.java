package org.sigmavrate.config;

import java.io.IOException;
import java.nio.file.Path;

import org.jboss.logging.Logger;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.baseline.LinearInterpolationForecaster;
import org.sigmavrate.model.baseline.PersistenceForecaster;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.onnx.ModelDirectories;
import org.sigmavrate.model.onnx.ModelLoadException;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.streaming.NoInferenceForecaster;

/**
 * The forecaster that {@code forecaster.model} names, loaded now: the service (at start-up) and load-bench open it
 * here. A missing or refused model is a {@link ModelLoadException} whose message names the settings to change.
 */
public final class ForecasterFactory {
    private static final Logger LOG = Logger.getLogger(ForecasterFactory.class);

    private ForecasterFactory() {
    }

    public static WindowForecaster open(ForecasterConfig config) {
        WindowForecaster f = switch (config.model()) {
            case SIGMA_GPT -> sigmaGpt(config);
            case BASELINE_ALTITUDE_DIFFERENCE -> new AltitudeDifferenceForecaster();
            case BASELINE_LINEAR_INTERPOLATION -> new LinearInterpolationForecaster();
            case BASELINE_PERSISTENCE -> new PersistenceForecaster();
            case NONE -> new NoInferenceForecaster(SpecLoader.bundled().sha256());
        };
        LOG.infof("forecaster: %s (forecaster.model=%s)", f.modelId(), label(config.model()));
        return f;
    }

    /** The setting's value as written in configuration: {@code sigma-gpt}, {@code baseline-persistence}, ... */
    public static String label(ForecasterConfig.Model model) {
        return model.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The ONNX σ-GPT from {@code forecaster.model-dir} (default: the σ-GPT under models/), run with
     * {@code forecaster.execution-provider} and {@code forecaster.intra-op-threads}, answering as
     * {@link ConfiguredSettings#forecast} says, its bands' central intervals corrected by the model folder's
     * calibration.json unless {@code forecaster.calibrated-bands=false} ({@link CalibratedBands}; an unreadable file
     * stops the start). The session refuses a model whose spec hash differs from {@link SpecLoader#bundled()}.
     */
    static WindowForecaster sigmaGpt(ForecasterConfig config) {
        Path dir;
        try {
            dir = ModelDirectories.resolve(config.modelDir().filter(d -> !d.isBlank()).map(Path::of).orElse(null));
        } catch (ModelLoadException e) {
            throw new ModelLoadException("forecaster.model=sigma-gpt: " + e.getMessage() + ". Point "
                    + "forecaster.model-dir (env FORECASTER_MODEL_DIR) at a model folder, or run a baseline with "
                    + "forecaster.model=baseline-altitude-difference (env FORECASTER_MODEL; also "
                    + "baseline-linear-interpolation, baseline-persistence)", e);
        }
        ForecastSettings fs = ConfiguredSettings.forecast(config);
        SessionConfig sessionConfig = ConfiguredSettings.session(config);
        SigmaGptSession session;
        try {
            session = SigmaGptSession.open(dir, sessionConfig);
        } catch (ModelLoadException e) {
            throw new ModelLoadException("forecaster.model=sigma-gpt, forecaster.model-dir=" + dir + ": "
                    + e.getMessage(), e);
        }
        LOG.infof("sigma-gpt: %s from %s, provider %s, %d intra-op thread(s), K=%d %s sample paths per window, "
                + "quantiles %s", session.modelId(), dir, session.metrics().executionProvider(),
                sessionConfig.intraOpThreads(), fs.samples(), fs.sampler(), config.quantiles());
        LOG.infof("sigma-gpt altitude consistency: %s (forecaster.altitude-consistency.enabled=%s)",
                fs.altitudeConsistency().describe(), fs.altitudeConsistency().enabled());
        CalibratedBands.Choice bands;
        try {
            bands = CalibratedBands.forModel(config.calibratedBands(), dir.resolve(Calibration.FILE_NAME),
                    session.modelId(), fs.maxKnown(), fs.quantileLevels(), fs.altitudeConsistency());
        } catch (IOException e) {
            session.close();
            throw new ModelLoadException("forecaster.calibrated-bands=true: cannot read the calibration "
                    + dir.resolve(Calibration.FILE_NAME) + ": " + e.getMessage() + ". Refit it (bin/forecaster "
                    + "calibrate) or publish the raw model quantiles with forecaster.calibrated-bands=false (env "
                    + "FORECASTER_CALIBRATED_BANDS)", e);
        }
        LOG.infof("sigma-gpt bands: %s (forecaster.calibrated-bands=%s)", bands.description(), config.calibratedBands());
        return new SigmaGptForecaster(session, fs, true, bands.bands());
    }
}
