package org.sigmavrate.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.TinyModel;
import org.sigmavrate.preparation.PreparationSettings;

/**
 * The live scorer against {@code evaluate}'s own scoring on the same windows of real flights: each window is cut to
 * 48 steps, so that the forecast protocol hides exactly the 12 steps (10–120 s) the service forecasts ahead; the
 * forecaster publishes the density's quantiles (no altitude consistency, no calibration), and a later window holding
 * the truth settles them. The median's error and the coverages are evaluate's density row exactly; the CRPS of the
 * published five-quantile fan is close to the density's exact CRPS.
 */
class LiveSkillTest {
    private static final Path FLIGHTS = Path.of("data/flights/traffic/featured/elal747.json.gz");
    private static final int STEPS = 48;
    private static final int MAX_WINDOWS = 24;

    private static List<EvalWindow> windows() {
        PreparationSettings settings = new PreparationSettings(SpecLoader.bundled(), 600_000);
        List<EvalWindow> all = new EvalWindows(settings).load(List.of(FLIGHTS),
                new PrintStream(OutputStream.nullOutputStream())).windows();
        List<EvalWindow> out = new ArrayList<>();
        for (EvalWindow w : all.subList(0, Math.min(MAX_WINDOWS, all.size()))) {
            out.add(new EvalWindow(w.truth().slice(0, STEPS), w.startStep(), w.index()));
        }
        return out;
    }

    @Test
    void liveScoresOfTheForecastStepsAreEvaluatesOnTheSameWindows() {
        List<EvalWindow> windows = windows();
        assertTrue(windows.size() >= 5, "windows from " + FLIGHTS + ": " + windows.size());
        SigmaGptForecaster model = new SigmaGptForecaster(TinyModel.session(),
                TinyModel.settings(0, TinyModel.CONSISTENT.withEnabled(false)), false, null);
        Metrics evaluated = new Evaluator(model, 0, List.of(), 7, 16).run(Protocol.FORECAST, windows, null).rows()
                .get(Evaluator.DENSITY_ROW);

        Evaluator.Shown shown = Evaluator.Shown.of(7, Protocol.FORECAST, windows);
        List<WindowForecast> forecasts = model.forecast(shown.observed());
        LiveSkill live = new LiveSkill();
        List<StepSkill> scored = new ArrayList<>();
        for (int i = 0; i < windows.size(); i++) {
            live.offer(forecasts.get(i));
            GriddedFlight truth = windows.get(i).truth();
            // the truth arrives: a later window of the flight, its latest report half a step past the last step
            scored.addAll(live.score(new ObservedWindow(forecasts.get(i).request().icao24(), truth,
                    truth.timeOf(STEPS - 1) + truth.stepMillis(), 0)));
        }
        assertEquals(0, live.followed(), "each forecast let go once its horizon was settled");
        assertEquals(evaluated.steps(), scored.size());
        assertEquals(windows.size() * 12L, scored.size());

        double absError = 0;
        double crps = 0;
        long in50 = 0;
        long in90 = 0;
        Map<SkillHorizon, Integer> byHorizon = new EnumMap<>(SkillHorizon.class);
        for (StepSkill s : scored) {
            absError += s.absError();
            crps += s.crps();
            in50 += s.in50() ? 1 : 0;
            in90 += s.in90() ? 1 : 0;
            byHorizon.merge(s.horizon(), 1, Integer::sum);
        }
        int n = scored.size();
        assertEquals(evaluated.mae(), absError / n, 1e-9);
        assertEquals(evaluated.coverage50(), in50 / (double) n, 0);
        assertEquals(evaluated.coverage90(), in90 / (double) n, 0);
        assertEquals(Map.of(SkillHorizon.AHEAD_0_30, 3 * windows.size(), SkillHorizon.AHEAD_30_60, 3 * windows.size(),
                SkillHorizon.AHEAD_60_120, 6 * windows.size()), byHorizon);
        double fanCrps = crps / n;
        System.out.printf("live skill vs evaluate on %d windows: MAE %.1f / %.1f, CRPS (5-quantile fan) %.1f, "
                + "CRPS (density) %.1f, 50%% %.3f / %.3f, 90%% %.3f / %.3f%n", windows.size(), absError / n,
                evaluated.mae(), fanCrps, evaluated.crps(), in50 / (double) n, evaluated.coverage50(),
                in90 / (double) n, evaluated.coverage90());
        assertEquals(evaluated.crps(), fanCrps, 0.15 * evaluated.crps(),
                "the five-quantile fan's CRPS is near the density's exact one");
    }

    /** A forecast of 10 steps of 10 s, its latest report at step 4 (steps 0, 1, 3, 4 observed), fan q around 0. */
    private static WindowForecast synthetic(String flightId) {
        int n = 10;
        double[] rates = new double[n];
        java.util.Arrays.fill(rates, Double.NaN);
        boolean[] observed = new boolean[n];
        double[][] q = new double[n][];
        for (int s = 0; s < n; s++) {
            observed[s] = s == 0 || s == 1 || s == 3 || s == 4;
            rates[s] = observed[s] ? 100 : Double.NaN;
            q[s] = observed[s] ? new double[] {100, 100, 100, 100, 100} : new double[] {-400, -100, 0, 100, 400};
        }
        ObservedWindow w = new ObservedWindow("abc123", new GriddedFlight(flightId, "test", 0, 10_000, rates,
                rates.clone(), new byte[n]), 40_000, 0);
        ChannelForecast rate = new ChannelForecast(observed, rates, new double[n], new double[n], q, new double[0][]);
        return new WindowForecast(w, "m", "s", TinyModel.LEVELS, rate, rate, 1);
    }

    /** A later window of the flight, its latest report at {@code latest}, a rate of {@code value} at every step. */
    private static ObservedWindow later(String flightId, long latest, double value) {
        int n = 12;
        double[] rates = new double[n];
        java.util.Arrays.fill(rates, value);
        return new ObservedWindow("abc123", new GriddedFlight(flightId, "test", 0, 10_000, rates, rates.clone(),
                new byte[n]), latest, 0);
    }

    @Test
    void eachStepIsScoredOnceWhenSettledInfilledStepsTooAndAnotherFlightEndsTheFollowing() {
        LiveSkill live = new LiveSkill();
        live.offer(synthetic("abc123-1"));
        live.offer(synthetic("abc123-1"));
        assertEquals(1, live.followed(), "one forecast per aircraft");
        // latest report at 70 s: steps up to 60 s are settled (more than half a step before it)
        List<StepSkill> first = live.score(later("abc123-1", 70_000, 200));
        assertEquals(List.of(SkillHorizon.INFILLED, SkillHorizon.AHEAD_0_30, SkillHorizon.AHEAD_0_30),
                first.stream().map(StepSkill::horizon).toList(), "the unobserved steps 2, 5 and 6");
        assertEquals(200, first.get(0).truth(), 0);
        assertEquals(200, first.get(0).absError(), 0);
        assertTrue(!first.get(0).in50() && first.get(0).in90());
        List<StepSkill> second = live.score(later("abc123-1", 90_000, 0));
        assertEquals(List.of(SkillHorizon.AHEAD_0_30, SkillHorizon.AHEAD_30_60),
                second.stream().map(StepSkill::horizon).toList(), "steps 7 and 8, not again 5 and 6");
        assertTrue(live.follows("abc123"));
        assertEquals(List.of(), live.score(later("abc123-2", 100_000, 0)), "another flight");
        assertEquals(0, live.followed());

        WindowForecast broken = synthetic("abc123-3");
        broken.rate().quantiles()[5] = new double[] {0, Double.NaN, 0, 0, 0};
        broken.rate().quantiles()[6] = new double[] {0, 100, 50, 200, 300};
        live.offer(broken);
        assertEquals(List.of(SkillHorizon.INFILLED), live.score(later("abc123-3", 70_000, 0)).stream()
                .map(StepSkill::horizon).toList(), "fans that are no quantile function are left out, not thrown on");
    }

    @Test
    void stepsOfTheFanAreScoredAsEvaluateScoresQuantileFunctions() {
        double[] levels = TinyModel.LEVELS;
        double[] q = {-900, -300, 100, 400, 1500};
        for (double truth : new double[] {-2000, -900, -300, 0, 100, 399, 400, 401, 1500, 3000}) {
            StepSkill s = StepSkill.of(SkillHorizon.AHEAD_0_30, levels, q, truth);
            Metrics m = new Metrics();
            EvalWindow w = new EvalWindow(new GriddedFlight("abc123-1", "test", 0, 10_000, new double[] {truth},
                    new double[] {1000}, new byte[1]), 0, 0);
            var fan = new org.sigmavrate.model.density.PiecewiseLinearQuantiles(levels, q);
            HiddenStepScoring.scoreQuantileFunctions(m, w, new boolean[] {true}, new double[] {fan.median()},
                    new org.sigmavrate.model.density.PiecewiseLinearQuantiles[] {fan});
            assertEquals(m.mae(), s.absError(), 0);
            assertEquals(m.crps(), s.crps(), 0);
            assertEquals(m.coverage50(), s.in50() ? 1.0 : 0.0, 0);
            assertEquals(m.coverage90(), s.in90() ? 1.0 : 0.0, 0);
        }
    }

    @Test
    void horizonsBucketByTimeAheadOfTheLatestReport() {
        assertEquals(SkillHorizon.INFILLED, SkillHorizon.of(0, 0));
        assertEquals(SkillHorizon.AHEAD_0_30, SkillHorizon.of(30_000, 0));
        assertEquals(SkillHorizon.AHEAD_30_60, SkillHorizon.of(30_001, 0));
        assertEquals(SkillHorizon.AHEAD_60_120, SkillHorizon.of(120_000, 0));
        assertEquals(null, SkillHorizon.of(120_001, 0));
    }

    @Test
    void rollingFiguresKeepTheLastTenMinutes() {
        RollingSkill rolling = new RollingSkill();
        rolling.add(new StepSkill(SkillHorizon.AHEAD_0_30, 0, 100, 100, 80, true, true), 0);
        rolling.add(new StepSkill(SkillHorizon.AHEAD_0_30, 0, 300, 300, 200, false, true), 300_000);
        RollingSkill.Figures both = rolling.figures(300_000).get(SkillHorizon.AHEAD_0_30);
        assertEquals(new RollingSkill.Figures(2, 200, 140, 0.5, 1.0), both);
        RollingSkill.Figures later = rolling.figures(600_000).get(SkillHorizon.AHEAD_0_30);
        assertEquals(new RollingSkill.Figures(1, 300, 200, 0.0, 1.0), later, "the first minute has left the window");
        assertEquals(0, rolling.figures(300_000).get(SkillHorizon.INFILLED).steps());
    }
}
