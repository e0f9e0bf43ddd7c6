package org.sigmavrate.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sigmavrate.batching.BatchLimits;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.AltitudeConsistentRates;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.ModelLoadException;
import org.sigmavrate.streaming.StreamingSettings;

import io.smallrye.config.ConfigValidationException;

class ForecasterConfigTest {
    private static final Spec SPEC = SpecLoader.bundled();

    @Test
    void theDefaultsMakeValidSettingsRecords() {
        ForecasterConfig c = ConfigDefaults.forecaster();
        StreamingSettings s = ConfiguredSettings.streaming(c, SPEC);
        assertEquals(new StreamingSettings.Topics("surveillance-reports", "infilled-trajectories", "density-bands",
                "surveillance-reports-dlq", "forecast-failures"), s.topics());
        assertEquals(new BatchLimits(3, 30_000, 128), s.limits());
        assertEquals(120_000, s.rules().horizonMillis());
        assertEquals(10_000, s.rules().cadenceMillis());
        assertEquals(60_000, s.rules().graceMillis());
        assertEquals(600_000, s.rules().maxGapMillis());
        assertEquals(2, s.rules().minReports());
        assertEquals(org.sigmavrate.tracking.ReforecastRules.changes(50, 25_000), s.rules().reforecast(),
                "re-forecast what changed, 50% band, 25 s max age");
        assertEquals(24, s.rules().windowSteps(), "windows of 24 steps, shorter than the model's 64");
        assertEquals(600_000, s.maxFutureMillis());
        assertEquals(500, s.batchBudgetMillis());
        assertEquals(30 * 60_000, s.expireAfterMillis());
        ForecastSettings f = ConfiguredSettings.forecast(c);
        assertArrayEquals(new double[] {0.05, 0.25, 0.5, 0.75, 0.95}, f.quantileLevels());
        assertEquals(0, f.samples(), "the service publishes bands and point estimates, no sample paths, by default");
        assertEquals(ForecastSettings.SamplerKind.BURST, f.sampler());
        assertEquals(32, f.maxKnown());
        assertTrue(f.altitudeConsistency().enabled());
        assertEquals(AltitudeConsistentRates.Band.CENTRAL_90, f.altitudeConsistency().band());
        assertEquals(AltitudeConsistentRates.Share.VARIANCE, f.altitudeConsistency().share());
        assertEquals(ExecutionProvider.CPU, ConfiguredSettings.session(c).provider());
        assertEquals(16, c.offline().samples());
        assertEquals(ExecutionProvider.AUTO, c.offline().executionProvider());
        assertTrue(c.modelDir().isEmpty());
    }

    @Test
    void settingsAsWrittenInApplicationPropertiesOrTheEnvironment() {
        Map<String, String> written = new java.util.HashMap<>(Map.of("forecaster.model", "baseline-persistence",
                "forecaster.sampler", "sequential", "forecaster.execution-provider", "cuda",
                "forecaster.serialization", "registry", "forecaster.quantiles", "0.1,0.5,0.9",
                "forecaster.altitude-consistency.share", "width", "forecaster.altitude-consistency.band", "50",
                "forecaster.altitude-consistency.altitude-noise-ft", "0",
                "forecaster.topics.dead-letter", "dlq", "forecaster.model-dir", ""));
        written.put("forecaster.reforecast.band", "80"); // its levels 0.1 and 0.9 among the quantiles
        ForecasterConfig c = ConfigDefaults.forecaster(written);
        assertEquals(ForecasterConfig.Model.BASELINE_PERSISTENCE, c.model());
        assertEquals("baseline-persistence", ForecasterFactory.label(c.model()));
        assertEquals(ForecastSettings.SamplerKind.SEQUENTIAL, c.sampler());
        assertEquals(ExecutionProvider.CUDA, c.executionProvider());
        assertEquals(ForecasterConfig.Serialization.REGISTRY, c.serialization());
        assertArrayEquals(new double[] {0.1, 0.5, 0.9}, ConfiguredSettings.forecast(c).quantileLevels());
        assertEquals(AltitudeConsistentRates.Band.CENTRAL_50, ConfiguredSettings.forecast(c).altitudeConsistency().band());
        assertEquals(AltitudeConsistentRates.Share.WIDTH, ConfiguredSettings.forecast(c).altitudeConsistency().share());
        assertEquals("dlq", ConfiguredSettings.streaming(c, SPEC).topics().deadLetter());
        assertEquals(80, ConfiguredSettings.streaming(c, SPEC).rules().reforecast().bandPercent(), "0.1 and 0.9");
        assertTrue(c.modelDir().isEmpty(), "an empty model-dir is the default model");
        assertEquals(new org.sigmavrate.model.baseline.PersistenceForecaster().modelId(), ForecasterFactory.open(c).modelId());
    }

    @Test
    void theReforecastPolicyIsConfiguredAndABandTheQuantilesLackFailsAtStart() {
        StreamingSettings cadence = ConfiguredSettings.streaming(ConfigDefaults.forecaster(Map.of(
                "forecaster.reforecast.mode", "cadence", "forecaster.reforecast.max-age-seconds", "30")), SPEC);
        assertEquals(org.sigmavrate.tracking.ReforecastRules.Mode.CADENCE, cadence.rules().reforecast().mode());
        assertEquals(30_000, cadence.rules().reforecast().maxAgeMillis());
        IllegalArgumentException band = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings
                .streaming(ConfigDefaults.forecaster(Map.of("forecaster.reforecast.band", "60")), SPEC));
        assertTrue(band.getMessage().startsWith("forecaster.reforecast.band=60 with forecaster.quantiles=")
                && band.getMessage().contains("0.2 and 0.8"), band.getMessage());
        // under the cadence policy the band is not used: any levels do
        assertEquals(org.sigmavrate.tracking.ReforecastRules.Mode.CADENCE, ConfiguredSettings.streaming(
                ConfigDefaults.forecaster(Map.of("forecaster.reforecast.band", "60", "forecaster.reforecast.mode",
                        "cadence")), SPEC).rules().reforecast().mode());
        IllegalArgumentException age = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings
                .streaming(ConfigDefaults.forecaster(Map.of("forecaster.reforecast.max-age-seconds", "0")), SPEC));
        assertTrue(age.getMessage().startsWith("forecaster.reforecast.*"), age.getMessage());
    }

    @Test
    void aValueTheRecordsRefuseIsNamedByItsKeys() {
        IllegalArgumentException band = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings
                .forecast(ConfigDefaults.forecaster(Map.of("forecaster.altitude-consistency.band", "80"))));
        assertTrue(band.getMessage().startsWith("forecaster.altitude-consistency.*"), band.getMessage());
        IllegalArgumentException levels = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings
                .forecast(ConfigDefaults.forecaster(Map.of("forecaster.quantiles", "0.9,0.1"))));
        assertTrue(levels.getMessage().contains("forecaster.quantiles"), levels.getMessage());
        IllegalArgumentException horizon = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings
                .streaming(ConfigDefaults.forecaster(Map.of("forecaster.window.horizon-seconds", "100000")), SPEC));
        assertTrue(horizon.getMessage().contains("forecaster.window"), horizon.getMessage());
        for (String steps : List.of("65", "13", "1")) {
            IllegalArgumentException window = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings
                    .streaming(ConfigDefaults.forecaster(Map.of("forecaster.window.steps", steps)), SPEC), steps);
            assertTrue(window.getMessage().contains("forecaster.window"), window.getMessage());
        }
        assertEquals(14, ConfiguredSettings.streaming(ConfigDefaults.forecaster(Map.of("forecaster.window.steps",
                "14")), SPEC).rules().windowSteps(), "the horizon's 12 steps, the latest report's and one before");
        IllegalArgumentException attempts = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings
                .streaming(ConfigDefaults.forecaster(Map.of("forecaster.batch.max-attempts", "0")), SPEC));
        assertTrue(attempts.getMessage().startsWith("forecaster.batch/state.*") && attempts.getMessage().contains("max-attempts"),
                attempts.getMessage());
        IllegalArgumentException expiry = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings
                .streaming(ConfigDefaults.forecaster(Map.of("forecaster.state.expire-after-minutes", "0")), SPEC));
        assertTrue(expiry.getMessage().contains("forecaster.batch/state"), expiry.getMessage());
        assertThrows(ConfigValidationException.class,
                () -> ConfigDefaults.forecaster(Map.of("forecaster.model", "sigma-gtp")), "an unknown model");
    }

    @Test
    void aMissingModelNamesTheSettingsThatChooseAnother() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ForecasterFactory.open(
                ConfigDefaults.forecaster(Map.of("forecaster.model-dir", "target/no-such-model"))));
        assertTrue(e.getMessage().contains("forecaster.model-dir") && e.getMessage().contains("FORECASTER_MODEL"),
                e.getMessage());
        assertFalse(e.getMessage().isBlank());
    }
}
