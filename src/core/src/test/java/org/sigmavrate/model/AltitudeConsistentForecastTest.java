package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.model.AltitudeConsistentRates.Band;
import org.sigmavrate.model.AltitudeConsistentRates.Share;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.ConformalBands;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.density.CategoricalDensity;

/**
 * The forecaster publishes altitude-consistent rates when its settings say so: each span's estimate integrates to the
 * altitude change (hard constraint) or moves part of the way (altitude noise), steps outside spans keep the model's
 * values, the calibrated correction comes after the shift, and off is the raw model exactly.
 */
class AltitudeConsistentForecastTest {
    private static final double STEP_MINUTES = 10 / 60.0;
    private static final AltitudeConsistency OFF = TinyModel.CONSISTENT.withEnabled(false);
    private static final AltitudeConsistency HARD = new AltitudeConsistency(true, Band.CENTRAL_90, Share.VARIANCE, 0);
    private static final AltitudeConsistency SOFT = TinyModel.CONSISTENT;
    /** {before, after, altitude before, altitude after}: a climb far steeper than the observed rates say */
    private static final int[][] SPANS = {{0, 6, 5000, 6400}, {6, 14, 6400, 7300}};

    /** Rates and altitudes at steps 0, 6 and 14; step 20 has a rate only; forecast to step 29. */
    private static ObservedWindow window() {
        int n = 30;
        double[] rates = new double[n];
        double[] alts = new double[n];
        Arrays.fill(rates, Double.NaN);
        Arrays.fill(alts, Double.NaN);
        rates[0] = 640;
        alts[0] = 5000;
        rates[6] = 704;
        alts[6] = 6400;
        rates[14] = 512;
        alts[14] = 7300;
        rates[20] = 0;
        return new ObservedWindow("3c6586", new GriddedFlight("3c6586-a", "test", 0, 10_000, rates, alts, new byte[n]),
                200_000, 11);
    }

    private static WindowForecast forecast(AltitudeConsistency consistency, CalibratedBands bands, int samples) {
        ForecastSettings s = TinyModel.settings(samples, consistency);
        try (SigmaGptForecaster f = new SigmaGptForecaster(TinyModel.session(), s, false, bands)) {
            return f.forecast(List.of(window())).get(0);
        }
    }

    private static boolean inSpan(int step) {
        for (int[] span : SPANS) {
            if (step > span[0] && step < span[1]) {
                return true;
            }
        }
        return false;
    }

    @Test
    void withoutNoiseEachSpansPublishedEstimateIntegratesToItsAltitudeChange() {
        WindowForecast raw = forecast(OFF, null, 2);
        WindowForecast on = forecast(HARD, null, 2);
        for (int[] span : SPANS) {
            int intervals = span[1] - span[0];
            int hidden = intervals - 1;
            double integral = 0;
            double rawIntegral = 0;
            for (int k = span[0] + 1; k < span[1]; k++) {
                integral += on.rate().estimate()[k] * intervals / (double) hidden * STEP_MINUTES;
                rawIntegral += raw.rate().estimate()[k] * intervals / (double) hidden * STEP_MINUTES;
            }
            assertEquals(span[3] - span[2], integral, 1e-6, "span " + span[0] + ".." + span[1]);
            assertTrue(Math.abs(rawIntegral - (span[3] - span[2])) > 10, "the raw model disagreed: " + rawIntegral);
        }
        ChannelForecast r = raw.rate();
        ChannelForecast c = on.rate();
        for (int s = 0; s < r.estimate().length; s++) {
            double shift = c.estimate()[s] - r.estimate()[s];
            assertEquals(shift, c.mean()[s] - r.mean()[s], 1e-9, "the mean moves with the estimate: step " + s);
            for (int q = 0; q < r.quantiles()[s].length; q++) {
                assertEquals(shift, c.quantiles()[s][q] - r.quantiles()[s][q], 1e-9, "quantile " + q + " of step " + s);
            }
            if (!inSpan(s)) {
                assertEquals(r.estimate()[s], c.estimate()[s], 0.0, "outside the spans: untouched, step " + s);
                assertArrayEquals(r.quantiles()[s], c.quantiles()[s], 0.0);
            }
        }
        for (int p = 0; p < r.samples().length; p++) {
            assertArrayEquals(r.samples()[p], c.samples()[p], 0.0, "sample paths as drawn");
        }
        assertArrayEquals(raw.altitude().estimate(), on.altitude().estimate(), 0.0);
        assertArrayEquals(raw.altitude().quantiles(), on.altitude().quantiles());
    }

    @Test
    void withAltitudeNoiseTheEstimateMovesOnlyPartOfTheWay() {
        WindowForecast raw = forecast(OFF, null, 0);
        WindowForecast hard = forecast(HARD, null, 0);
        WindowForecast soft = forecast(SOFT, null, 0);
        for (int[] span : SPANS) {
            double hardMove = 0;
            double softMove = 0;
            for (int k = span[0] + 1; k < span[1]; k++) {
                hardMove += hard.rate().estimate()[k] - raw.rate().estimate()[k];
                softMove += soft.rate().estimate()[k] - raw.rate().estimate()[k];
            }
            assertTrue(Math.signum(softMove) == Math.signum(hardMove) && Math.abs(softMove) > 0
                    && Math.abs(softMove) < Math.abs(hardMove), "span " + span[0] + ": " + softMove + " of " + hardMove);
        }
        for (int s = 0; s < window().steps(); s++) {
            if (!inSpan(s)) {
                assertEquals(raw.rate().estimate()[s], soft.rate().estimate()[s], 0.0, "step " + s);
            }
        }
    }

    @Test
    void offPublishesTheRawModelExactly() {
        WindowForecast off = forecast(OFF, null, 0);
        ForecastSettings settings = TinyModel.settings(0, OFF);
        try (SigmaGptForecaster f = new SigmaGptForecaster(TinyModel.session(), settings)) {
            WindowDensity d = f.densities(List.of(window())).get(0);
            assertArrayEquals(new double[window().steps()], f.rateShifts(d), 0.0);
            for (int s = 0; s < window().steps(); s++) {
                CategoricalDensity rate = d.at(s, Channel.VERTICAL_RATE);
                if (rate == null) {
                    continue;
                }
                assertEquals(rate.median(), off.rate().estimate()[s], 0.0, "step " + s);
                assertEquals(rate.mean(), off.rate().mean()[s], 0.0, "step " + s);
                assertArrayEquals(rate.quantiles(TinyModel.LEVELS), off.rate().quantiles()[s], 0.0);
            }
        }
        WindowForecast byDefault = forecast(TinyModel.CONSISTENT, null, 0);
        assertFalse(java.util.Arrays.equals(off.rate().estimate(), byDefault.rate().estimate()),
                "the default moves the rates of the spans");
    }

    /**
     * The shift is computed from the model's own bands and the calibrated correction is applied to the shifted
     * quantiles: published = correct(bucket, raw + shift), not a shift computed from the corrected (wider) bands.
     */
    @Test
    void calibratedBandsAreAppliedAfterTheShift() {
        int b = ObservationBuckets.count();
        double[] w50 = new double[b];
        double[] w90 = new double[b];
        for (int k = 0; k < b; k++) {
            w50[k] = 5 + 3 * k;
            w90[k] = 40 + 25 * k;
        }
        CalibratedBands bands = new CalibratedBands(new ConformalBands(ConformalBands.Score.RANDOMIZED,
                new double[] {0.5, 0.9}, new double[][] {w50, w90}, new long[b]), TinyModel.LEVELS);
        WindowForecast shifted = forecast(SOFT, null, 0);
        WindowForecast published = forecast(SOFT, bands, 0);
        WindowForecast calibratedRaw = forecast(OFF, bands, 0);
        int[] buckets = ObservationBuckets.of(window());
        boolean differs = false;
        WindowForecast shiftedAfterCalibration = SOFT.rates().apply(calibratedRaw);
        for (int s = 0; s < window().steps(); s++) {
            if (window().observed(s, Channel.VERTICAL_RATE)) {
                continue;
            }
            assertArrayEquals(bands.correct(buckets[s], shifted.rate().quantiles()[s]), published.rate().quantiles()[s],
                    1e-9, "shifted raw quantiles + the bucket's correction: step " + s);
            assertEquals(shifted.rate().estimate()[s], published.rate().estimate()[s], 0.0, "the median is not corrected");
            differs |= Math.abs(shiftedAfterCalibration.rate().estimate()[s] - published.rate().estimate()[s]) > 1e-6;
        }
        assertTrue(differs, "a shift read from the calibrated bands would publish something else");
    }
}
