package org.sigmavrate.model.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.model.baseline.ProbabilisticAltitudeDifference;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.density.PiecewiseLinearQuantiles;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.TrackRules;
import org.sigmavrate.tracking.Trigger;

/**
 * The replay of the cadence and a re-forecast policy on a real airliner's flight (El Al 747: take-off, a long
 * cruise, descent), forecast by the probabilistic altitude-difference baseline (the rule's rate with the residual
 * quantiles the shipped model's calibration fitted on validation flights): cheap, and it publishes real bands. The
 * cadence run as a policy must reproduce the cadence exactly; the changes policy must skip most cruise passes, and
 * its older standing forecasts must be scored only as far ahead as they reach.
 */
class ReforecastReplayTest {
    private static final Path FLIGHT = Path.of("data/flights/traffic/featured/elal747.json.gz");
    private static final Path CALIBRATION = Path.of("models/sgpt-small-v2/calibration.json");
    private static final Spec SPEC = SpecLoader.bundled();
    /** The service's defaults (ForecasterConfig): horizon 120 s, cadence 10 s, grace 60 s, max gap 10 min, 2 reports */
    private static final TrackRules RULES = new TrackRules(SPEC.grid(), 120_000, 10_000, 60_000, 600_000, 2);
    private static final int SHORT_WINDOW = 24;
    private static ReforecastReplay.Result result;
    /** the same replay without the policy on shorter windows */
    private static ReforecastReplay.Result base;
    /** steps of every window the forecaster was asked about, in order */
    private static final List<Integer> asked = new ArrayList<>();

    /** The probabilistic altitude-difference baseline as a forecaster: its rule's rate, its residual quantiles. */
    static class QuantileBaseline implements WindowForecaster {
        private static final double[] LEVELS = {0.05, 0.25, 0.5, 0.75, 0.95};
        private final ProbabilisticAltitudeDifference baseline;

        QuantileBaseline(Calibration calibration) {
            this.baseline = new ProbabilisticAltitudeDifference(calibration.residuals());
        }

        @Override
        public List<WindowForecast> forecast(List<ObservedWindow> windows) {
            List<WindowForecast> out = new ArrayList<>();
            for (ObservedWindow w : windows) {
                PiecewiseLinearQuantiles[] fans = baseline.distributions(w);
                double[] points = baseline.points(w);
                int n = w.steps();
                boolean[] observed = new boolean[n];
                double[] values = new double[n];
                double[][] quantiles = new double[n][LEVELS.length];
                for (int s = 0; s < n; s++) {
                    observed[s] = w.observed(s, Channel.VERTICAL_RATE);
                    values[s] = w.value(s, Channel.VERTICAL_RATE);
                    for (int k = 0; k < LEVELS.length; k++) {
                        quantiles[s][k] = observed[s] || fans[s] == null ? points[s] : fans[s].quantile(LEVELS[k]);
                    }
                }
                ChannelForecast rate = new ChannelForecast(observed, values, points, points.clone(), quantiles,
                        new double[][] {points.clone()});
                out.add(new WindowForecast(w, ProbabilisticAltitudeDifference.ID, SPEC.sha256(), LEVELS.clone(),
                        rate, rate, 0));
            }
            return out;
        }

        @Override
        public String modelId() {
            return ProbabilisticAltitudeDifference.ID;
        }

        @Override
        public String specSha256() {
            return SPEC.sha256();
        }
    }

    @BeforeAll
    static void replay() throws Exception {
        List<Report> reports = FlightReaders.read(FLIGHT).reports();
        WindowForecaster baseline = new QuantileBaseline(Calibration.read(CALIBRATION)) {
            @Override
            public List<WindowForecast> forecast(List<ObservedWindow> windows) {
                windows.forEach(w -> asked.add(w.steps()));
                return super.forecast(windows);
            }
        };
        int full = RULES.windowSteps();
        result = new ReforecastReplay(SPEC, List.of(new ReforecastReplay.Policy(ReforecastRules.CADENCE, full),
                new ReforecastReplay.Policy(ReforecastRules.changes(50, 60_000), full),
                new ReforecastReplay.Policy(ReforecastRules.CADENCE, SHORT_WINDOW)), RULES, baseline)
                .run(reports, 0, null);
        base = new ReforecastReplay(SPEC, RULES, List.of(ReforecastRules.CADENCE, ReforecastRules.changes(50, 60_000)),
                new QuantileBaseline(Calibration.read(CALIBRATION))).run(reports, 0, null);
    }

    @Test
    void aPolicyOnShorterWindowsForecastsWindowsOfItsOwn() {
        ReforecastReplay.PolicyFigures shorter = result.policies().get(2);
        assertEquals(SHORT_WINDOW, shorter.windowSteps());
        assertEquals(RULES.windowSteps(), result.policies().get(0).windowSteps());
        // the cadence on 24 steps triggers where the cadence on 64 does, each time on a window of its own
        assertEquals(Map.of(Trigger.CADENCE, result.cadenceTriggers()), shorter.triggers());
        assertEquals(result.forecasts(), asked.size());
        long own = result.forecasts() - base.forecasts();
        assertEquals(shorter.published(), own);
        long shortWindows = asked.stream().filter(n -> n == SHORT_WINDOW).count();
        long longer = asked.stream().filter(n -> n > SHORT_WINDOW).count();
        // all but the young flight's first windows (shorter than 24 steps under both) are 24 steps long
        assertTrue(shortWindows > own - 20 && shortWindows <= own, shortWindows + " of " + own);
        assertEquals(base.forecasts() - asked.stream().filter(n -> n <= SHORT_WINDOW).count() + own, longer);
        assertTrue(asked.stream().allMatch(n -> n <= RULES.windowSteps()), "no window longer than the model's");
        // scored on the same steps as the fresh forecasts (both reach the horizon), and differently where the
        // shorter window leaves out observations the rule used
        assertEquals(shorter.cadence().steps(), shorter.standing().steps());
        assertEquals(0.0, shorter.meanAgeSeconds());
    }

    @Test
    void theCadenceAsAPolicyHoldsTheFreshForecastEverywhereAndCostsNothing() {
        assertEquals(1, result.flights());
        assertTrue(result.cadencePoints() > 300, "cadence points: " + result.cadencePoints());
        ReforecastReplay.PolicyFigures cadence = result.policies().get(0);
        assertEquals(0, cadence.confirmed());
        assertEquals(0.0, result.skipShare(cadence));
        assertEquals(Map.of(Trigger.CADENCE, result.cadenceTriggers()), cadence.triggers());
        assertEquals(0, cadence.unheld());
        assertEquals(0.0, cadence.meanAgeSeconds());
        assertTrue(cadence.cadence().steps() > 1000, "steps: " + cadence.cadence().steps());
        assertEquals(cadence.cadence().steps(), cadence.standing().steps());
        assertEquals(cadence.cadence().mae(), cadence.standing().mae());
        FlightBootstrap bootstrap = new FlightBootstrap(200, 1);
        for (FlightBootstrap.Interval cost : List.of(cadence.maeCost(bootstrap), cadence.crpsCost(bootstrap))) {
            assertEquals(0.0, cost.estimate());
            assertEquals(0.0, cost.low());
            assertEquals(0.0, cost.high());
        }
    }

    @Test
    void onChangesMostCruisePassesAreSkippedAndTheirForecastsAreOlder() {
        ReforecastReplay.PolicyFigures changes = result.policies().get(1);
        double skip = result.skipShare(changes);
        assertTrue(skip > 0.3 && skip < 1, "skip share " + skip);
        assertTrue(changes.triggerCount() < result.cadenceTriggers() / 2, changes.triggers() + " of "
                + result.cadenceTriggers());
        assertEquals(1L, changes.triggers().get(Trigger.FIRST));
        assertTrue(changes.triggers().getOrDefault(Trigger.MAX_AGE, 0L) > 0, changes.triggers().toString());
        assertTrue(changes.meanAgeSeconds() > 10 && changes.meanAgeSeconds() < 60, "age " + changes.meanAgeSeconds());
        FlightBootstrap.Interval mae = changes.maeCost(new FlightBootstrap(200, 1));
        assertTrue(Double.isFinite(mae.estimate()) && mae.estimate() != 0, "MAE cost " + mae);
    }

    @Test
    void aStandingForecastIsScoredOnlyOnTheStepsItReaches() {
        ReforecastReplay.PolicyFigures cadence = result.policies().get(0);
        ReforecastReplay.PolicyFigures changes = result.policies().get(1);
        // a standing forecast is under the 60 s max age, so it reaches at least 60 s past every cadence point: the
        // same steps up to 60 s ahead as the fresh one; beyond, only as far as its own last report + 120 s
        for (int bucket = 0; bucket < 2; bucket++) {
            assertEquals(cadence.ahead(bucket)[0].steps(), changes.ahead(bucket)[1].steps(),
                    ReforecastReplay.AHEAD_LABELS[bucket]);
        }
        long freshBeyond = cadence.ahead(2)[0].steps();
        long standingBeyond = changes.ahead(2)[1].steps();
        assertTrue(standingBeyond < freshBeyond * 0.9, standingBeyond + " vs " + freshBeyond);
        assertEquals(changes.ahead(2)[0].steps(), standingBeyond, "the fresh forecast is scored on the same steps");
        assertEquals(changes.cadence().steps(), changes.standing().steps());
    }
}
