package org.sigmavrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.model.AltitudeConsistency;
import org.sigmavrate.model.AltitudeConsistentRates;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.TinyModel;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.calibration.ConformalBands;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.calibration.ResidualQuantiles;

/**
 * forecaster.calibrated-bands: on (the default), the service's σ-GPT publishes the model folder's calibrated bands;
 * off, the raw model quantiles, with the same model folder and file.
 */
class CalibratedBandsSettingTest {
    private static final int B = ObservationBuckets.count();

    @TempDir
    Path dir;

    @Test
    void theServicePublishesCalibratedBandsUnlessTheSettingIsOff() throws IOException {
        Path model = dir.resolve("tiny-test-v1");
        Files.createDirectories(model);
        try (Stream<Path> files = Files.list(Path.of("src/core/src/test/resources/models/tiny-test-v1"))) {
            for (Path f : files.toList()) {
                Files.copy(f, model.resolve(f.getFileName()));
            }
        }
        double[] w50 = new double[B];
        double[] w90 = new double[B];
        Arrays.fill(w50, 20);
        Arrays.fill(w90, 40);
        new Calibration("tiny-test-v1", "x", 32, Map.of("inputs", List.of("val.csv")),
                new ResidualQuantiles(new double[] {0.5}, new double[B][], new long[B]),
                new ConformalBands(ConformalBands.Score.RANDOMIZED, new double[] {0.5, 0.9},
                        new double[][] {w50, w90}, new long[B])).write(model.resolve(Calibration.FILE_NAME));

        double[] on;
        double[] off;
        try (SigmaGptForecaster f = (SigmaGptForecaster) ForecasterFactory.open(settings(model, true, Map.of()))) {
            assertNotNull(f.calibratedBands(), "on by default when the file is there");
            on = lastRate(f.forecast(List.of(window())).get(0));
        }
        try (SigmaGptForecaster f = (SigmaGptForecaster) ForecasterFactory.open(settings(model, false, Map.of()))) {
            assertNull(f.calibratedBands(), "forecaster.calibrated-bands=false");
            off = lastRate(f.forecast(List.of(window())).get(0));
        }
        assertEquals(off[0] - 40, on[0], 1e-9);
        assertEquals(off[1] - 20, on[1], 1e-9);
        assertEquals(off[2], on[2], 0.0);
        assertEquals(off[3] + 20, on[3], 1e-9);
        assertEquals(off[4] + 40, on[4], 1e-9);
    }

    /** forecaster.altitude-consistency.*: unset keys take the mapping's defaults; a bad one is named. */
    @Test
    void theServiceReadsAltitudeConsistencyWithItsDefaultsFromOnePlace() throws IOException {
        ForecasterConfig defaults = settings(TinyModel.directory(), false, Map.of());
        assertEquals(new AltitudeConsistency(true, AltitudeConsistentRates.Band.CENTRAL_90,
                AltitudeConsistentRates.Share.VARIANCE, 400), ConfiguredSettings.forecast(defaults).altitudeConsistency(),
                "nothing set: on since sgpt-small-v2 won with it on its validation flights (90% band, variance, 400 ft)");
        ForecasterConfig off = settings(TinyModel.directory(), false, Map.of("forecaster.altitude-consistency.enabled",
                "false"));
        try (SigmaGptForecaster f = (SigmaGptForecaster) ForecasterFactory.open(off)) {
            assertFalse(f.settings().altitudeConsistency().enabled(), "applied where forecasts are made");
        }
        assertEquals(new AltitudeConsistency(true, AltitudeConsistentRates.Band.CENTRAL_50,
                AltitudeConsistentRates.Share.WIDTH, 0), ConfiguredSettings.forecast(settings(TinyModel.directory(),
                        false, Map.of("forecaster.altitude-consistency.share", "width",
                                "forecaster.altitude-consistency.altitude-noise-ft", "0",
                                "forecaster.altitude-consistency.band", "50"))).altitudeConsistency());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConfiguredSettings.forecast(
                settings(TinyModel.directory(), false, Map.of("forecaster.altitude-consistency.band", "75"))));
        assertTrue(e.getMessage().contains("forecaster.altitude-consistency") && e.getMessage().contains("75"),
                e.getMessage());
    }

    private static double[] lastRate(WindowForecast f) {
        double[][] q = f.rate().quantiles();
        return q[q.length - 1];
    }

    /** The configured defaults, with the model folder, the switch and {@code more}. */
    private static ForecasterConfig settings(Path model, boolean calibrated, Map<String, String> more) {
        Map<String, String> keys = new java.util.HashMap<>(more);
        keys.put("forecaster.model-dir", model.toString());
        keys.put("forecaster.calibrated-bands", String.valueOf(calibrated));
        return ConfigDefaults.forecaster(keys);
    }

    /** A climb observed at steps 0 and 5, forecast to step 11. */
    private static ObservedWindow window() {
        int n = 12;
        double[] rates = new double[n];
        double[] alts = new double[n];
        Arrays.fill(rates, Double.NaN);
        Arrays.fill(alts, Double.NaN);
        rates[0] = 1280;
        alts[0] = 5000;
        rates[5] = 1216;
        alts[5] = 6050;
        return new ObservedWindow("3c6586", new GriddedFlight("3c6586-a", "test", 0, 10_000, rates, alts, new byte[n]),
                50_000, 7);
    }
}
