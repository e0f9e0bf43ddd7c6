package org.sigmavrate.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Optional;
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

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

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
        try (SigmaGptForecaster f = (SigmaGptForecaster) beans(model, true).sigmaGpt(new SimpleMeterRegistry())) {
            assertNotNull(f.calibratedBands(), "on by default when the file is there");
            on = lastRate(f.forecast(List.of(window())).get(0));
        }
        try (SigmaGptForecaster f = (SigmaGptForecaster) beans(model, false).sigmaGpt(new SimpleMeterRegistry())) {
            assertNull(f.calibratedBands(), "forecaster.calibrated-bands=false");
            off = lastRate(f.forecast(List.of(window())).get(0));
        }
        assertEquals(off[0] - 40, on[0], 1e-9);
        assertEquals(off[1] - 20, on[1], 1e-9);
        assertEquals(off[2], on[2], 0.0);
        assertEquals(off[3] + 20, on[3], 1e-9);
        assertEquals(off[4] + 40, on[4], 1e-9);
    }

    /** forecaster.altitude-consistency.*: unset keys take AltitudeConsistency.DEFAULT's values; a bad one is named. */
    @Test
    void theServiceReadsAltitudeConsistencyWithItsDefaultsFromOnePlace() throws IOException {
        StreamingBeans b = beans(TinyModel.directory(), false);
        assertEquals(AltitudeConsistency.DEFAULT, b.altitudeConsistency(), "nothing set: the defaults");
        b.consistencyEnabled = Optional.of("true");
        assertEquals(AltitudeConsistency.DEFAULT.withEnabled(true), b.altitudeConsistency());
        try (SigmaGptForecaster f = (SigmaGptForecaster) b.sigmaGpt(new SimpleMeterRegistry())) {
            assertTrue(f.settings().altitudeConsistency().enabled(), "applied where forecasts are made");
        }
        b.consistencyShare = Optional.of("width");
        b.consistencyNoiseFt = Optional.of("0");
        b.consistencyBand = Optional.of("50");
        assertEquals(new AltitudeConsistency(true, AltitudeConsistentRates.Band.CENTRAL_50,
                AltitudeConsistentRates.Share.WIDTH, 0), b.altitudeConsistency());
        b.consistencyBand = Optional.of("75");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, b::altitudeConsistency);
        assertTrue(e.getMessage().contains("forecaster.altitude-consistency") && e.getMessage().contains("75"),
                e.getMessage());
    }

    private static double[] lastRate(WindowForecast f) {
        double[][] q = f.rate().quantiles();
        return q[q.length - 1];
    }

    /** The settings application.properties gives, the model folder and the switch. */
    private static StreamingBeans beans(Path model, boolean calibrated) {
        StreamingBeans b = new StreamingBeans();
        b.modelDir = Optional.of(model.toString());
        b.executionProvider = "cpu";
        b.intraOpThreads = 1;
        b.samples = 0;
        b.sampler = "burst";
        b.quantiles = "0.05,0.25,0.5,0.75,0.95";
        b.maxBatchSequences = 16;
        b.maxKnownPositions = 32;
        b.calibratedBands = calibrated;
        return b;
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
