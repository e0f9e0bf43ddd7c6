package org.sigmavrate.model.calibration;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.baseline.ProbabilisticAltitudeDifference;
import org.sigmavrate.model.density.PiecewiseLinearQuantiles;

class CalibrationTest {
    private static final int B = ObservationBuckets.count();

    @TempDir
    Path dir;

    @Test
    void bucketsTellBetweenFromBeyondByDistanceToTheNearestObservation() {
        boolean[] observed = new boolean[30];
        observed[3] = true;
        observed[10] = true;
        int[] b = ObservationBuckets.of(observed);
        assertEquals(-1, b[3]);
        assertEquals("beyond 1", ObservationBuckets.label(b[2]), "before the first observation");
        assertEquals("beyond 3", ObservationBuckets.label(b[0]));
        assertEquals("between 1", ObservationBuckets.label(b[4]));
        assertEquals("between 3", ObservationBuckets.label(b[7]), "3 from both ends");
        assertEquals("between 2", ObservationBuckets.label(b[8]));
        assertEquals("beyond 13-16", ObservationBuckets.label(b[24]));
        assertEquals("beyond 17-24", ObservationBuckets.label(b[29]));
        assertEquals("beyond 25+", ObservationBuckets.label(ObservationBuckets.of(new boolean[5])[0]), "nothing observed");
        for (int k = 0; k < B; k++) {
            assertEquals(k, ObservationBuckets.ofLabel(ObservationBuckets.label(k)));
        }
        boolean[] fitted = new boolean[B];
        fitted[ObservationBuckets.ofLabel("between 5-6")] = true;
        fitted[ObservationBuckets.ofLabel("beyond 1")] = true;
        assertEquals("between 5-6", ObservationBuckets.label(ObservationBuckets.nearestFitted(ObservationBuckets.ofLabel("between 25+"), fitted)));
        assertEquals("beyond 1", ObservationBuckets.label(ObservationBuckets.nearestFitted(ObservationBuckets.ofLabel("beyond 9-12"), fitted)));
        fitted[ObservationBuckets.ofLabel("beyond 1")] = false;
        assertEquals("between 5-6", ObservationBuckets.label(ObservationBuckets.nearestFitted(ObservationBuckets.ofLabel("beyond 2"), fitted)),
                "no bucket of its kind fitted: the other kind's");
        assertEquals(-1, ObservationBuckets.nearestFitted(0, new boolean[B]));
    }

    @Test
    void theProbabilisticBaselinesCrpsIsItsAbsoluteErrorWhenTheResidualsCollapseToAPoint() {
        double[] levels = {0.05, 0.5, 0.95};
        double[][] q = new double[B][];
        Arrays.fill(q, new double[3]);
        ProbabilisticAltitudeDifference p = new ProbabilisticAltitudeDifference(new ResidualQuantiles(levels, q, new long[B]));
        ObservedWindow w = window();
        PiecewiseLinearQuantiles[] d = p.distributions(w);
        double[] rule = new AltitudeDifferenceForecaster().rates(w);
        assertNull(d[0]);
        assertNull(d[6]);
        assertNull(d[12], "a rate alone makes a step observed");
        double[] truths = {-1200, -3, 0, 64, 900};
        for (int s = 1; s < 20; s++) {
            if (s == 6 || s == 12) {
                continue;
            }
            assertEquals(rule[s], d[s].median(), 1e-12);
            for (double y : truths) {
                assertEquals(Math.abs(rule[s] - y), d[s].crps(y), 1e-9, "step " + s + ", truth " + y);
            }
        }
    }

    @Test
    void conformalCorrectionBringsTheBandsToTheirNominalCoverageOnTheFittingScores() {
        SplittableRandom rng = new SplittableRandom(11);
        int n = 4000;
        double[] truth = new double[n];
        double[] s50 = new double[n];
        double[] s90 = new double[n];
        for (int i = 0; i < n; i++) {
            truth[i] = 300 * rng.nextGaussian();
            // bands far too narrow for the 50%, far too wide for the 90%
            s50[i] = Math.max(-20 - truth[i], truth[i] - 20);
            s90[i] = Math.max(-2000 - truth[i], truth[i] - 2000);
        }
        double[] sorted50 = s50.clone();
        double[] sorted90 = s90.clone();
        Arrays.sort(sorted50);
        Arrays.sort(sorted90);
        double[] w50 = filled(Double.NaN);
        double[] w90 = filled(Double.NaN);
        w50[0] = ConformalBands.conformalQuantile(sorted50, 0.5);
        w90[0] = ConformalBands.conformalQuantile(sorted90, 0.1);
        CalibratedBands bands = new CalibratedBands(bands(w50, w90), LEVELS);
        int in50 = 0;
        int in90 = 0;
        int far = ObservationBuckets.ofLabel("beyond 25+");
        for (int i = 0; i < n; i++) {
            double[] q = bands.correct(far, new double[] {-2000, -20, 0, 20, 2000});
            in50 += truth[i] >= q[1] && truth[i] <= q[3] ? 1 : 0;
            in90 += truth[i] >= q[0] && truth[i] <= q[4] ? 1 : 0;
        }
        assertTrue(w50[0] > 0 && w90[0] < 0, "widened 50%, narrowed 90%");
        assertEquals(0.5, in50 / (double) n, 1.0 / n + 1e-9, "an unfitted bucket uses the fitted one");
        assertEquals(0.9, in90 / (double) n, 1.0 / n + 1e-9);
    }

    @Test
    void aCalibrationFileReadsBackAsWritten() throws IOException {
        double[] levels = {0.005, 0.5, 0.995};
        double[][] q = new double[B][];
        long[] counts = new long[B];
        for (int b = 0; b < B; b += 3) {
            q[b] = new double[] {-100 - b, b, 100 + b};
            counts[b] = 60 + b;
        }
        double[] w50 = filled(Double.NaN);
        double[] w80 = filled(Double.NaN);
        double[] w90 = filled(Double.NaN);
        w50[2] = -8.5;
        w80[2] = 3;
        w90[2] = 12.25;
        Calibration c = new Calibration("sgpt-x", "abc", 32, Map.of("inputs", "val.csv"),
                new ResidualQuantiles(levels, q, counts), new ConformalBands(ConformalBands.Score.RANDOMIZED,
                        new double[] {0.5, 0.8, 0.9}, new double[][] {w50, w80, w90}, counts));
        Path file = dir.resolve("sub/calibration.json");
        c.write(file);
        Calibration back = Calibration.read(file);
        assertEquals("sgpt-x", back.modelId());
        assertEquals(32, back.maxKnown());
        assertEquals("val.csv", back.fittedOn().get("inputs"));
        assertArrayEquals(levels, back.residuals().levels());
        assertArrayEquals(counts, back.residuals().counts());
        for (int b = 0; b < B; b++) {
            assertArrayEquals(q[b], back.residuals().quantiles()[b]);
        }
        assertEquals(ConformalBands.Score.RANDOMIZED, back.conformal().score());
        assertArrayEquals(new double[] {0.5, 0.8, 0.9}, back.conformal().coverages());
        assertArrayEquals(w50, back.conformal().widen()[0]);
        assertArrayEquals(w80, back.conformal().widen()[1]);
        assertArrayEquals(w90, back.conformal().widen()[2]);
        assertTrue(Files.readString(file).contains("\"widen_80_fpm\" : 3.0"), "one field per central interval");
        Files.writeString(file, "{\"format\":\"something-else\"}");
        assertThrows(IOException.class, () -> Calibration.read(file));
    }

    /** Quantile levels the service publishes by default. */
    static final double[] LEVELS = {0.05, 0.25, 0.5, 0.75, 0.95};

    /** Point-score corrections of the 50% and 90% intervals, per bucket. */
    static ConformalBands bands(double[] widen50, double[] widen90) {
        return new ConformalBands(ConformalBands.Score.POINT, new double[] {0.5, 0.9}, new double[][] {widen50, widen90},
                new long[B]);
    }

    private static double[] filled(double v) {
        double[] a = new double[B];
        Arrays.fill(a, v);
        return a;
    }

    /** 20 steps observed at 0 and 6 (both channels) and at 12 (rate only): spans, persistence and gaps. */
    private static ObservedWindow window() {
        int n = 20;
        double[] rates = new double[n];
        double[] alts = new double[n];
        Arrays.fill(rates, Double.NaN);
        Arrays.fill(alts, Double.NaN);
        rates[0] = 640;
        alts[0] = 3000;
        rates[6] = 1280;
        alts[6] = 3500;
        rates[12] = -64;
        return new ObservedWindow("3c6586", new GriddedFlight("3c6586-a", "test", 0, 10_000, rates, alts, new byte[n]),
                0, 1);
    }
}
