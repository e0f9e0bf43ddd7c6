package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

class AltitudeConsistentRatesTest {
    private static final double STEP_MINUTES = 10 / 60.0;

    /**
     * 40 steps: both channels observed at 0, 5, 12 and 30; step 20 has a rate but no altitude, so only (0, 5) and
     * (5, 12) are spans bounded by two known altitudes.
     */
    private static ObservedWindow window() {
        int n = 40;
        double[] rates = new double[n];
        double[] alts = new double[n];
        Arrays.fill(rates, Double.NaN);
        Arrays.fill(alts, Double.NaN);
        double[][] observed = {{0, 640, 3000}, {5, 1280, 3650}, {12, 0, 4475}, {30, -704, 4400}};
        for (double[] o : observed) {
            rates[(int) o[0]] = o[1];
            alts[(int) o[0]] = o[2];
        }
        rates[20] = 128;
        return new ObservedWindow("3c6586", new GriddedFlight("3c6586-a", "test", 0, 10_000, rates, alts, new byte[n]),
                0, 1);
    }

    private static double[] randomPath(long seed, double scale) {
        SplittableRandom rng = new SplittableRandom(seed);
        double[] v = new double[40];
        for (int i = 0; i < v.length; i++) {
            v[i] = scale * rng.nextDouble();
        }
        return v;
    }

    @Test
    void theVarianceShareMovesEachStepByItsSquaredWidthsShareAndStillMatchesTheIntegral() {
        ObservedWindow w = window();
        double[] medians = randomPath(5, 2000);
        double[] widths = randomPath(6, 600);
        double[] shift = new AltitudeConsistentRates(AltitudeConsistentRates.Band.CENTRAL_90,
                AltitudeConsistentRates.Share.VARIANCE, 0).shifts(w, medians, widths);
        double[] byWidth = new AltitudeConsistentRates(AltitudeConsistentRates.Band.CENTRAL_90).shifts(w, medians, widths);
        int[][] spans = {{0, 5, 3000, 3650}, {5, 12, 3650, 4475}};
        for (int[] span : spans) {
            int intervals = span[1] - span[0];
            int hidden = intervals - 1;
            double integral = 0;
            double total = 0;
            for (int k = span[0] + 1; k < span[1]; k++) {
                integral += (medians[k] + shift[k]) * intervals / (double) hidden * STEP_MINUTES;
                total += shift[k];
                double share = widths[k] * widths[k] / widths[span[0] + 1] / widths[span[0] + 1];
                assertEquals(shift[span[0] + 1] * share, shift[k], 1e-9, "shift in proportion to the squared width");
            }
            assertEquals(span[3] - span[2], integral, 1e-9);
            double totalByWidth = 0;
            for (int k = span[0] + 1; k < span[1]; k++) {
                totalByWidth += byWidth[k];
            }
            assertEquals(totalByWidth, total, 1e-9, "the same total correction, shared otherwise");
        }
    }

    @Test
    void aNoisyAltitudeDifferenceMovesTheStepsOnlyPartWayAndLessForConfidentSteps() {
        ObservedWindow w = window();
        double[] medians = randomPath(5, 2000);
        double[] widths = randomPath(6, 600);
        var hard = new AltitudeConsistentRates(AltitudeConsistentRates.Band.CENTRAL_90,
                AltitudeConsistentRates.Share.VARIANCE, 0).shifts(w, medians, widths);
        var soft = new AltitudeConsistentRates(AltitudeConsistentRates.Band.CENTRAL_90,
                AltitudeConsistentRates.Share.VARIANCE, 50).shifts(w, medians, widths);
        double[] narrow = widths.clone();
        for (int k = 0; k < narrow.length; k++) {
            narrow[k] /= 4;
        }
        var softNarrow = new AltitudeConsistentRates(AltitudeConsistentRates.Band.CENTRAL_90,
                AltitudeConsistentRates.Share.VARIANCE, 50).shifts(w, medians, narrow);
        for (int k = 1; k < 12; k++) {
            if (k == 5) {
                continue; // an observed step between the two spans
            }
            assertTrue(Math.abs(soft[k]) < Math.abs(hard[k]) && Math.signum(soft[k]) == Math.signum(hard[k]), "step " + k);
            assertTrue(Math.abs(softNarrow[k]) < Math.abs(soft[k]) / 4, "confident steps trust the model more: " + k);
        }
        assertThrows(IllegalArgumentException.class, () -> new AltitudeConsistentRates(
                AltitudeConsistentRates.Band.CENTRAL_90, AltitudeConsistentRates.Share.WIDTH, 50));
    }

    @Test
    void eachSpansIntegralMatchesItsAltitudeChangeAndStepsOutsideSpansAreUntouched() {
        ObservedWindow w = window();
        double[] medians = randomPath(3, 2000);
        double[] widths = randomPath(4, 600);
        double[] shift = new AltitudeConsistentRates(AltitudeConsistentRates.Band.CENTRAL_90).shifts(w, medians, widths);
        int[][] spans = {{0, 5, 3000, 3650}, {5, 12, 3650, 4475}};
        for (int[] span : spans) {
            int intervals = span[1] - span[0];
            int hidden = intervals - 1;
            double integral = 0;
            for (int k = span[0] + 1; k < span[1]; k++) {
                // the baseline's rule: the span's intervals all at the mean rate of its hidden steps
                integral += (medians[k] + shift[k]) * intervals / (double) hidden * STEP_MINUTES;
            }
            assertEquals(span[3] - span[2], integral, 1e-9, "span " + span[0] + ".." + span[1]);
            for (int k = span[0] + 1; k < span[1]; k++) {
                assertEquals(shift[span[0] + 1] / widths[span[0] + 1] * widths[k], shift[k], 1e-9,
                        "shift in proportion to the band width");
            }
        }
        for (int s : new int[] {0, 5, 12, 13, 19, 20, 21, 29, 30, 31, 39}) {
            assertEquals(0.0, shift[s], "no shift at step " + s);
        }
    }

    @Test
    void withConstantMediansAndEqualWidthsItIsTheAltitudeDifferenceBaseline() {
        ObservedWindow w = window();
        double[] medians = new double[40];
        double[] widths = new double[40];
        Arrays.fill(widths, 0);
        double[] shift = new AltitudeConsistentRates(AltitudeConsistentRates.Band.CENTRAL_50).shifts(w, medians, widths);
        double[] baseline = new AltitudeDifferenceForecaster().rates(w);
        for (int k = 1; k < 12; k++) {
            if (k != 5) {
                assertEquals(baseline[k], shift[k], 1e-9, "zero-width bands share the correction evenly: step " + k);
            }
        }
    }

    @Test
    void applyShiftsTheRateEstimateMeanAndBandsButNotTheSamplesOrTheAltitude() {
        ObservedWindow w = window();
        double[] levels = {0.05, 0.25, 0.5, 0.75, 0.95};
        double[] median = randomPath(5, 1000);
        double[][] q = new double[40][];
        for (int s = 0; s < 40; s++) {
            q[s] = new double[] {median[s] - 300 - s, median[s] - 100, median[s], median[s] + 100, median[s] + 300};
        }
        double[][] samples = {randomPath(6, 100)};
        ChannelForecast rate = new ChannelForecast(new boolean[40], new double[40], median, median.clone(), q, samples);
        WindowForecast f = new WindowForecast(w, "m", "sha", levels, rate, rate, 1);
        AltitudeConsistentRates rates = new AltitudeConsistentRates(AltitudeConsistentRates.Band.CENTRAL_90);
        WindowForecast shifted = rates.apply(f);
        double[] widths = new double[40];
        for (int s = 0; s < 40; s++) {
            widths[s] = q[s][4] - q[s][0];
        }
        double[] shift = rates.shifts(w, median, widths);
        for (int s = 0; s < 40; s++) {
            assertEquals(median[s] + shift[s], shifted.rate().estimate()[s], 1e-9);
            assertEquals(q[s][1] + shift[s], shifted.rate().quantiles()[s][1], 1e-9);
        }
        assertArrayEquals(samples[0], shifted.rate().samples()[0]);
        assertArrayEquals(median, shifted.altitude().estimate());
        WindowForecast noBand = new WindowForecast(w, "m", "sha", new double[] {0.1, 0.5, 0.9}, rate, rate, 1);
        assertThrows(IllegalArgumentException.class, () -> rates.apply(noBand));
    }
}
