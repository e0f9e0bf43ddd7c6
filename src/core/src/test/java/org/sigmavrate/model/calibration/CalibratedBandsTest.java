package org.sigmavrate.model.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.domain.token.BinScale;
import org.sigmavrate.model.AltitudeConsistency;
import org.sigmavrate.model.TinyModel;
import org.sigmavrate.model.eval.Metrics;

class CalibratedBandsTest {
    private static final int B = ObservationBuckets.count();
    private static final double[] LEVELS = CalibrationTest.LEVELS;
    private static final AltitudeConsistency OFF = AltitudeConsistency.OFF;
    private static final BinScale RATE_BINS = SpecLoader.bundled().tokenizer().scale(Channel.VERTICAL_RATE);

    @TempDir
    Path dir;

    @Test
    void correctedQuantilesAreMonotoneKeepTheMedianAndAreTheShiftedOnesWhenNothingCrosses() {
        SplittableRandom rng = new SplittableRandom(5);
        for (int trial = 0; trial < 2000; trial++) {
            double[] w50 = new double[B];
            double[] w90 = new double[B];
            for (int b = 0; b < B; b++) {
                // from strong narrowing (past the median) to strong widening
                w50[b] = rng.nextDouble(-300, 300);
                w90[b] = rng.nextDouble(-600, 600);
            }
            CalibratedBands bands = new CalibratedBands(CalibrationTest.bands(w50, w90), LEVELS);
            double[] q = new double[5];
            q[0] = rng.nextDouble(-3000, 3000);
            for (int i = 1; i < 5; i++) {
                q[i] = q[i - 1] + (rng.nextInt(4) == 0 ? 0 : rng.nextDouble(0, 400));
            }
            int bucket = rng.nextInt(B);
            double[] c = bands.correct(bucket, q);
            for (int i = 1; i < 5; i++) {
                assertTrue(c[i] >= c[i - 1], "monotone: " + Arrays.toString(q) + " -> " + Arrays.toString(c));
            }
            assertEquals(q[2], c[2], 0.0, "the median is untouched");
            double[] shifted = {q[0] - w90[bucket], q[1] - w50[bucket], q[2], q[3] + w50[bucket], q[4] + w90[bucket]};
            boolean crosses = false;
            for (int i = 1; i < 5; i++) {
                crosses |= shifted[i] < shifted[i - 1];
            }
            if (!crosses) {
                assertArrayEquals(shifted, c, 1e-9);
            } else {
                assertTrue(c[1] == q[2] || c[3] == q[2] || c[0] == c[1] || c[3] == c[4],
                        "only a crossing end stops, at the median or at the end inside it: " + Arrays.toString(c));
            }
            assertArrayEquals(q, bands.correct(-1, q), 0.0, "observed steps are left alone");
        }
        CalibratedBands narrowing = new CalibratedBands(CalibrationTest.bands(filled(-10), filled(-10)), LEVELS);
        assertArrayEquals(new double[] {-30, 2, 2, 2, 30}, narrowing.correct(0, new double[] {-40, -4, 2, 6, 40}), 0,
                "narrowed past the median: each end stops there");
    }

    @Test
    void aPublishedLevelWithoutAFittedCorrectionIsPublishedRawButKeptInOrder() {
        double[] levels = {0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95};
        CalibratedBands bands = new CalibratedBands(CalibrationTest.bands(filled(50), filled(10)), levels);
        assertArrayEquals(new double[] {0.5, 0.9}, bands.corrected());
        assertArrayEquals(new double[] {0.8}, bands.uncorrected());
        double[] c = bands.correct(3, new double[] {-100, -90, -20, 0, 20, 90, 100});
        // the 80% ends are raw, except where the widened 50% ends pass them
        assertArrayEquals(new double[] {-110, -90, -70, 0, 70, 90, 110}, c, 1e-12);
        c = bands.correct(3, new double[] {-100, -60, -20, 0, 20, 60, 100});
        assertArrayEquals(new double[] {-110, -70, -70, 0, 70, 70, 110}, c, 1e-12, "an outer raw end is pushed out");
    }

    @Test
    void randomizedCoverageIsTheCoveredFractionOfTheTruthsBin() {
        // ADS-B level flight: 0 ft/min, the centre of the rate bin [-16, 16)
        assertEquals(0.5, RandomizedCoverage.of(-16, 0, 0, RATE_BINS), 1e-12, "half the bin");
        assertEquals(0.5, RandomizedCoverage.of(-8, 8, 0, RATE_BINS), 1e-12);
        assertEquals(1, RandomizedCoverage.of(-100, 100, 0, RATE_BINS), 0);
        assertEquals(0, RandomizedCoverage.of(3, 3, 0, RATE_BINS), 0, "a point band covers nothing of a bin");
        assertEquals(0.25, RandomizedCoverage.of(-40, -8, 5, RATE_BINS), 1e-12, "any truth of the bin: its bin counts");
        assertEquals(1, RandomizedCoverage.of(10_000, 20_000, 12_000, RATE_BINS), 0, "open outer bin: the indicator");
        assertEquals(0, RandomizedCoverage.of(10_000, 11_000, 12_000, RATE_BINS), 0);

        Metrics m = new Metrics(RATE_BINS);
        m.window("f");
        m.add(0, 0, 0, Double.NaN, new double[] {-16, 0}, new double[] {-16, 16});
        m.add(64, 0, 64, Double.NaN, new double[] {-16, 0}, new double[] {0, 72});
        assertEquals(0.5, m.coverage50(), 0, "plain: 0 lies in [-16, 0], 64 not");
        assertEquals(0.25, m.coverage50Randomized(), 1e-12, "randomized: half of one bin, none of the other");
        assertEquals(1, m.coverage90(), 0);
        assertEquals((1 + 0.75) / 2, m.coverage90Randomized(), 1e-12, "all of [-16, 16); [48, 80) up to 72");
        assertTrue(Double.isNaN(new Metrics().coverage50Randomized()), "without bins there is none");
    }

    @Test
    void aRandomizedFitCoversItsStepsBinsNominally() {
        SplittableRandom rng = new SplittableRandom(3);
        List<double[]> steps = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            // half level flight at 0 inside a narrow band, half climbs the band misses by much
            double truth = i % 2 == 0 ? 0 : 64 * (5 + rng.nextInt(20));
            int bin = RATE_BINS.bin(truth);
            steps.add(new double[] {-6, 0, 6, truth, RATE_BINS.lowerEdge(bin), RATE_BINS.upperEdge(bin)});
        }
        for (double alpha : new double[] {0.5, 0.1}) {
            double c = ConformalBands.randomizedConformalQuantile(steps, alpha);
            double covered = 0;
            for (double[] s : steps) {
                double[] band = CalibratedBands.interval(s[0], s[1], s[2], c);
                covered += RandomizedCoverage.of(band[0], band[1], s[3], s[4], s[5]);
            }
            double target = (1 - alpha) * (steps.size() + 1) / steps.size();
            assertEquals(target, covered / steps.size(), 1e-6, "alpha " + alpha + ", c " + c);
        }
    }

    @Test
    void theServiceAndInfillChooseTheModelFoldersCalibrationUnlessTurnedOff() throws IOException {
        Path file = dir.resolve(Calibration.FILE_NAME);
        double[][] residuals = new double[B][];
        new Calibration("sgpt-x", "abc", 32, Map.of("inputs", List.of("val.csv")),
                new ResidualQuantiles(new double[] {0.5}, residuals, new long[B]),
                CalibrationTest.bands(filled(-3), filled(12))).write(file);
        CalibratedBands.Choice on = CalibratedBands.forModel(true, file, "sgpt-x", 32, LEVELS, OFF);
        assertNotNull(on.bands());
        assertTrue(on.description().contains("calibrated bands from " + file) && on.description().contains("50%, 90%"),
                on.description());
        assertTrue(on.description().contains("warning: fitted with point conformity scores"), on.description());
        CalibratedBands.Choice off = CalibratedBands.forModel(false, file, "sgpt-x", 32, LEVELS, OFF);
        assertNull(off.bands(), "the off switch");
        assertTrue(off.description().contains("turned off"), off.description());
        assertNull(CalibratedBands.forModel(true, dir.resolve("none.json"), "sgpt-x", 32, LEVELS, OFF).bands());
        CalibratedBands.Choice other = CalibratedBands.forModel(true, file, "sgpt-y", 32, LEVELS, OFF);
        assertNull(other.bands(), "fitted for another model");
        assertTrue(other.description().contains("sgpt-x"), other.description());
        CalibratedBands.Choice partly = CalibratedBands.forModel(true, file, "sgpt-x", 16,
                new double[] {0.1, 0.25, 0.5, 0.75, 0.9}, OFF);
        assertTrue(partly.description().contains("published raw, not fitted: 80%")
                && partly.description().contains("max-known 32, this forecaster uses 16"), partly.description());
    }

    @Test
    void aFileFittedWithAnotherAltitudeConsistencyIsUsedWithAWarning() throws IOException {
        AltitudeConsistency on = TinyModel.CONSISTENT;
        Path raw = dir.resolve("raw.json");
        Path consistent = dir.resolve("consistent.json");
        Calibration fitted = new Calibration("sgpt-x", "abc", 32, Map.of("inputs", List.of("val.csv")),
                new ResidualQuantiles(new double[] {0.5}, new double[B][], new long[B]),
                CalibrationTest.bands(filled(-3), filled(12)));
        fitted.write(raw);
        new Calibration(fitted.modelId(), fitted.specSha256(), fitted.maxKnown(), fitted.fittedOn(), fitted.residuals(),
                fitted.conformal(), on).write(consistent);
        assertEquals(on, Calibration.read(consistent).consistency(), "recorded in the file");
        assertFalse(Calibration.read(raw).consistency().enabled());

        CalibratedBands.Choice matching = CalibratedBands.forModel(true, consistent, "sgpt-x", 32, LEVELS, on);
        assertNotNull(matching.bands());
        assertFalse(matching.description().contains("altitude consistency off"), matching.description());
        assertTrue(matching.description().contains("altitude consistency " + on.describe()), matching.description());

        CalibratedBands.Choice rawFileConsistentForecaster = CalibratedBands.forModel(true, raw, "sgpt-x", 32, LEVELS,
                on);
        assertNotNull(rawFileConsistentForecaster.bands(), "used, as another max-known is");
        assertTrue(rawFileConsistentForecaster.description().contains("warning: the band corrections were fitted with "
                + "altitude consistency off, this forecaster publishes with it " + on.describe()),
                rawFileConsistentForecaster.description());

        CalibratedBands.Choice consistentFileRawForecaster = CalibratedBands.forModel(true, consistent, "sgpt-x", 32,
                LEVELS, OFF);
        assertTrue(consistentFileRawForecaster.description().contains("fitted with altitude consistency on"),
                consistentFileRawForecaster.description());

        AltitudeConsistency otherNoise = new AltitudeConsistency(true, on.band(), on.share(), 50);
        assertTrue(CalibratedBands.forModel(true, consistent, "sgpt-x", 32, LEVELS, otherNoise).description()
                .contains("this forecaster publishes with it on (90% band, variance share, altitude noise 50 ft)"));
        assertFalse(CalibratedBands.forModel(true, raw, "sgpt-x", 32, LEVELS, OFF).description().contains("altitude"),
                "both off: nothing to say");
    }

    @Test
    void aCalibrationFileOfTheFirstFormatReadsAsPointScoresOfThe50And90PercentIntervals() throws IOException {
        Path file = dir.resolve("v1.json");
        Files.writeString(file, """
                {"format": "sigma-vrate-calibration-v1", "model_id": "sgpt-small-v1", "max_known_positions": 32,
                 "fitted_on": {}, "altitude_difference_residuals": {"levels": [0.5], "by_bucket": {}},
                 "sigma_gpt_conformal": {"by_bucket": {"between 1": {"count": 9256, "widen_50_fpm": -9.0,
                   "widen_90_fpm": -2.5}}}}
                """);
        ConformalBands c = Calibration.read(file).conformal();
        assertFalse(Calibration.read(file).consistency().enabled(), "fitted before altitude consistency: raw quantiles");
        assertEquals(ConformalBands.Score.POINT, c.score());
        assertArrayEquals(new double[] {0.5, 0.9}, c.coverages());
        assertEquals(-9.0, c.widen(0, ObservationBuckets.ofLabel("beyond 9-12")), 0, "the only fitted bucket stands in");
        assertEquals(-2.5, c.widen(1, 0), 0);
    }

    private static double[] filled(double v) {
        double[] a = new double[B];
        Arrays.fill(a, v);
        return a;
    }
}
