package org.sigmavrate.model.eval;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.FlightSegmenter;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.token.BinScale;
import org.sigmavrate.model.density.PiecewiseLinearQuantiles;
import org.sigmavrate.preparation.FlightPreparation;
import org.sigmavrate.preparation.PreparationSettings;
import org.sigmavrate.preparation.PreparedFlight;
import org.sigmavrate.preparation.WindowSpan;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.TrackRules;
import org.sigmavrate.tracking.Trigger;
import org.sigmavrate.tracking.WindowAssembler;

/**
 * What forecasting only what changed costs: recorded flights replayed report by report, in time order, through the
 * service's per-aircraft path ({@link FlightTrack} with the service's {@link TrackRules}, {@link WindowAssembler},
 * the forecaster) under the cadence policy and under each re-forecast policy given ({@link ReforecastRules}), side by
 * side on the same reports. Under the cadence a fresh forecast is made at every cadence point; under a policy only
 * where its track triggers, and that forecast is handed back to its track as published at once (the service's
 * batching delay is left out: a consumer would hold each forecast a little later than here).
 *
 * <p>At every cadence point t (a trigger of the cadence track with a window), the forecast a consumer would hold is
 * scored under each policy: the fresh one made at t under the cadence, the policy's standing (latest published)
 * forecast under the policy, which is that same fresh one where the policy triggered at t. Both are scored on the same
 * steps: the grid steps after t's own step (the first step no report up to t is placed at) up to the last step both
 * forecasts reach (a standing forecast reaches its own last report plus the horizon), where neither observed the step
 * and the truth has a rate. The truth is the flight prepared by the one pipeline ({@link FlightPreparation}: cleaned,
 * rates derived) and placed on the track's grid. A step is scored as {@code evaluate} scores a forecast given by
 * quantiles ({@link HiddenStepScoring#scoreQuantileFunction}): the absolute error of the published point estimate,
 * the CRPS of the published rate quantiles read as a piecewise-linear quantile function, and whether the central 50%
 * and 90% bands hold the truth.
 *
 * <p>The windows of all tracks at one report are identical (the tracks place the same reports; the policy decides
 * only when to ask), so each report's window is forecast at most once and shared by the tracks that trigger at it.
 * Flights are those of {@link FlightPreparation}'s segmentation keys: per aircraft and per flight id the file gives.
 */
public final class ReforecastReplay {
    /** Ahead buckets of a scored step, seconds after the cadence point: (0, 30], (30, 60], (60, horizon]. */
    public static final long[] AHEAD_BOUNDS_MILLIS = {30_000, 60_000, Long.MAX_VALUE};
    public static final String[] AHEAD_LABELS = {"0-30s", "30-60s", "60s+"};

    private final TrackRules cadence;
    private final List<Policy> policies;
    private final WindowAssembler assembler;
    /** per window length of the policies: its assembler */
    private final Map<Integer, WindowAssembler> assemblers = new LinkedHashMap<>();
    private final FlightPreparation preparation;
    private final WindowForecaster forecaster;
    private final BinScale rateBins;

    /**
     * A policy to compare with the cadence: when it re-forecasts, and the length of its windows.
     *
     * @param reforecast  any mode (a cadence one with the cadence's window is a check)
     * @param windowSteps its windows' length ({@link TrackRules#windowSteps()}); another than the cadence's makes
     *                    windows and forecasts of its own
     */
    public record Policy(ReforecastRules reforecast, int windowSteps) {
    }

    /**
     * @param rules    the service's track rules; their re-forecast rules are replaced by the cadence's for the
     *                 cadence track and by each policy's for its track
     * @param policies the re-forecast policies to compare with the cadence, on windows of the rules' length
     */
    public ReforecastReplay(Spec spec, TrackRules rules, List<ReforecastRules> policies, WindowForecaster forecaster) {
        this(spec, policies.stream().map(p -> new Policy(p, rules.windowSteps())).toList(), rules, forecaster);
    }

    /**
     * @param policies the policies to compare with the cadence
     * @param rules    the service's track rules: the cadence track's, with the cadence's re-forecast rules
     */
    public ReforecastReplay(Spec spec, List<Policy> policies, TrackRules rules, WindowForecaster forecaster) {
        this.cadence = rules.withReforecast(ReforecastRules.CADENCE);
        this.policies = List.copyOf(policies);
        this.assembler = new WindowAssembler(spec, cadence);
        for (Policy p : this.policies) {
            assemblers.computeIfAbsent(p.windowSteps(), n -> new WindowAssembler(spec, cadence.withWindowSteps(n)));
        }
        this.preparation = new FlightPreparation(new PreparationSettings(spec, rules.maxGapMillis()));
        this.forecaster = forecaster;
        this.rateBins = spec.tokenizer().scale(Channel.VERTICAL_RATE);
    }

    /** The figures of one policy against the cadence, over the steps both were scored on. */
    public static final class PolicyFigures {
        private final ReforecastRules rules;
        private final int windowSteps;
        private final Map<Trigger, Long> triggers = new LinkedHashMap<>();
        private long confirmed;
        private long published;
        private long unheld;
        private double ageSumMillis;
        private long aged;
        private final Metrics cadence;
        private final Metrics standing;
        private final Metrics[][] ahead = new Metrics[AHEAD_LABELS.length][2];

        PolicyFigures(Policy policy, BinScale bins) {
            this.rules = policy.reforecast();
            this.windowSteps = policy.windowSteps();
            this.cadence = new Metrics(bins);
            this.standing = new Metrics(bins);
            for (Metrics[] pair : ahead) {
                pair[0] = new Metrics(bins);
                pair[1] = new Metrics(bins);
            }
        }

        public ReforecastRules rules() {
            return rules;
        }

        /** The length of its windows, steps. */
        public int windowSteps() {
            return windowSteps;
        }

        /** Triggers per reason (in the order first seen). */
        public Map<Trigger, Long> triggers() {
            return triggers;
        }

        public long triggerCount() {
            return triggers.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Reports at which the cadence was due but the standing forecast stood. */
        public long confirmed() {
            return confirmed;
        }

        /** Forecasts handed back to the track (triggers with a window). */
        public long published() {
            return published;
        }

        /** Cadence points at which this policy held no forecast of the flight (not scored). */
        public long unheld() {
            return unheld;
        }

        /** Mean age (s) of the held forecast at the scored cadence points: t minus its last report. */
        public double meanAgeSeconds() {
            return aged == 0 ? Double.NaN : ageSumMillis / aged / 1000.0;
        }

        /** The fresh forecasts at the cadence points, on the steps scored for this policy. */
        public Metrics cadence() {
            return cadence;
        }

        /** The policy's held forecasts at the cadence points, on the same steps. */
        public Metrics standing() {
            return standing;
        }

        /** Per {@link #AHEAD_LABELS} bucket: {cadence, standing}. */
        public Metrics[] ahead(int bucket) {
            return ahead[bucket];
        }

        /** changes / cadence − 1 of the summed absolute errors, 95% interval over flights. */
        public FlightBootstrap.Interval maeCost(FlightBootstrap bootstrap) {
            return cost(bootstrap, standing, cadence, Metrics.Sums::absError);
        }

        public FlightBootstrap.Interval crpsCost(FlightBootstrap bootstrap) {
            return cost(bootstrap, standing, cadence, Metrics.Sums::crps);
        }

        /** Per bucket cost of the summed absolute errors. */
        public FlightBootstrap.Interval maeCost(FlightBootstrap bootstrap, int bucket) {
            return cost(bootstrap, ahead[bucket][1], ahead[bucket][0], Metrics.Sums::absError);
        }

        public FlightBootstrap.Interval crpsCost(FlightBootstrap bootstrap, int bucket) {
            return cost(bootstrap, ahead[bucket][1], ahead[bucket][0], Metrics.Sums::crps);
        }

        private static FlightBootstrap.Interval cost(FlightBootstrap bootstrap, Metrics numerator, Metrics denominator,
                java.util.function.ToDoubleFunction<Metrics.Sums> sum) {
            List<String> flights = new ArrayList<>(denominator.byFlight().keySet());
            double[] num = new double[flights.size()];
            double[] den = new double[flights.size()];
            for (int i = 0; i < flights.size(); i++) {
                Metrics.Sums n = numerator.byFlight().get(flights.get(i));
                num[i] = n == null ? 0 : sum.applyAsDouble(n);
                den[i] = sum.applyAsDouble(denominator.byFlight().get(flights.get(i)));
            }
            if (flights.isEmpty()) {
                return new FlightBootstrap.Interval(Double.NaN, Double.NaN, Double.NaN);
            }
            FlightBootstrap.Interval ratio = bootstrap.ratio(num, den);
            return new FlightBootstrap.Interval(ratio.estimate() - 1, ratio.low() - 1, ratio.high() - 1);
        }
    }

    /**
     * What a replay found.
     *
     * @param flights          flights replayed (segmentation keys)
     * @param reports          their reports
     * @param cadenceTriggers  triggers of the cadence track
     * @param cadencePoints    cadence triggers with a window: the points scored
     * @param forecasts        windows forecast (each at most once, shared by the tracks that triggered at it)
     * @param seconds          wall time of the replay
     */
    public record Result(int flights, long reports, long cadenceTriggers, long cadencePoints, long forecasts,
            List<PolicyFigures> policies, double seconds) {
        /**
         * The policy's forecasts per forecast of the cadence: the work it leaves. Not 1 − {@link #skipShare}: a
         * policy may trigger between cadence points, and its triggers and confirmations restart its cadence.
         */
        public double forecastShare(PolicyFigures p) {
            return cadenceTriggers == 0 ? Double.NaN : p.triggerCount() / (double) cadenceTriggers;
        }

        /** Share of the cadence's triggers the policy confirmed instead (skipped). */
        public double skipShare(PolicyFigures p) {
            return cadenceTriggers == 0 ? Double.NaN : p.confirmed() / (double) cadenceTriggers;
        }
    }

    /**
     * Replays the flights of {@code reports} (any order, any aircraft).
     *
     * @param maxFlights the first this many flights (in order of first appearance); 0: all
     * @param progress   where progress lines go (every 10 s), or null
     */
    public Result run(List<Report> reports, int maxFlights, PrintStream progress) {
        long started = System.nanoTime();
        List<List<Report>> flights = FlightSegmenter.bySource(reports);
        if (maxFlights > 0 && flights.size() > maxFlights) {
            flights = flights.subList(0, maxFlights);
        }
        List<PolicyFigures> figures = new ArrayList<>();
        for (Policy p : policies) {
            figures.add(new PolicyFigures(p, rateBins));
        }
        Counts counts = new Counts();
        long lastPrint = started;
        long replayedReports = 0;
        for (int i = 0; i < flights.size(); i++) {
            replayedReports += flights.get(i).size();
            replay(flights.get(i), figures, counts);
            long now = System.nanoTime();
            if (progress != null && (now - lastPrint > 10_000_000_000L || i == flights.size() - 1)) {
                lastPrint = now;
                progress.printf("reforecast-eval: %d/%d flights, %,d cadence points, %,d forecasts (%.0f s)%n", i + 1,
                        flights.size(), counts.cadencePoints, counts.forecasts, (now - started) / 1e9);
            }
        }
        return new Result(flights.size(), replayedReports, counts.cadenceTriggers, counts.cadencePoints,
                counts.forecasts, figures, (System.nanoTime() - started) / 1e9);
    }

    private static final class Counts {
        long cadenceTriggers;
        long cadencePoints;
        long forecasts;
    }

    /** One report's window and its forecast, made when the first track asks and shared with the others. */
    private final class AtReport {
        private final FlightTrack track;
        private final WindowAssembler windows;
        private final RejectionLedger ledger;
        private final Counts counts;
        private boolean assembled;
        private ObservedWindow window;
        private WindowForecast forecast;

        AtReport(FlightTrack track, WindowAssembler windows, RejectionLedger ledger, Counts counts) {
            this.track = track;
            this.windows = windows;
            this.ledger = ledger;
            this.counts = counts;
        }

        /** @return the forecast of the window at this report, or null when cleaning left no window */
        WindowForecast forecast() {
            if (!assembled) {
                assembled = true;
                window = windows.window(track, ledger);
                if (window != null) {
                    forecast = forecaster.forecast(List.of(window)).get(0);
                    counts.forecasts++;
                }
            }
            return forecast;
        }
    }

    /** @param timeOrdered one flight's reports ({@link FlightSegmenter#bySource}) */
    private void replay(List<Report> timeOrdered, List<PolicyFigures> figures, Counts counts) {
        RejectionLedger ledger = new RejectionLedger();
        Truth truth = new Truth(preparation.prepare(timeOrdered, ledger));
        String icao24 = timeOrdered.get(0).icao24();
        FlightTrack cadenceTrack = new FlightTrack(icao24);
        FlightTrack[] tracks = new FlightTrack[figures.size()];
        TrackRules[] rules = new TrackRules[figures.size()];
        // a policy with windows of the cadence's length shares the cadence's window and forecast at each report
        WindowAssembler[] ownWindows = new WindowAssembler[figures.size()];
        WindowForecast[] held = new WindowForecast[figures.size()];
        for (int p = 0; p < tracks.length; p++) {
            tracks[p] = new FlightTrack(icao24);
            PolicyFigures f = figures.get(p);
            rules[p] = cadence.withReforecast(f.rules).withWindowSteps(f.windowSteps);
            ownWindows[p] = f.windowSteps == cadence.windowSteps() ? null : assemblers.get(f.windowSteps);
        }
        for (Report r : timeOrdered) {
            AtReport here = new AtReport(cadenceTrack, assembler, ledger, counts);
            boolean cadenceDue = cadenceTrack.accept(r, cadence) == FlightTrack.Outcome.TRIGGERED;
            WindowForecast fresh = null;
            if (cadenceDue) {
                counts.cadenceTriggers++;
                fresh = here.forecast();
                cadenceTrack.markTriggered();
            }
            for (int p = 0; p < tracks.length; p++) {
                PolicyFigures f = figures.get(p);
                FlightTrack.Outcome outcome = tracks[p].accept(r, rules[p]);
                if (outcome == FlightTrack.Outcome.CONFIRMED) {
                    f.confirmed++;
                } else if (outcome == FlightTrack.Outcome.TRIGGERED) {
                    f.triggers.merge(tracks[p].trigger(), 1L, Long::sum);
                    WindowForecast made = ownWindows[p] == null ? here.forecast()
                            : new AtReport(tracks[p], ownWindows[p], ledger, counts).forecast();
                    tracks[p].markTriggered();
                    if (made != null && tracks[p].published(made, f.rules)) {
                        held[p] = made;
                        f.published++;
                    }
                }
            }
            if (fresh == null) {
                continue;
            }
            counts.cadencePoints++;
            GriddedFlight placed = truth.on(cadenceTrack.flightStart(), r.timeMillis());
            for (int p = 0; p < tracks.length; p++) {
                PolicyFigures f = figures.get(p);
                WindowForecast standing = held[p];
                if (standing == null || !fresh.request().window().flightId().equals(
                        standing.request().window().flightId())) {
                    f.unheld++;
                    continue;
                }
                f.ageSumMillis += fresh.request().lastReportTime() - standing.request().lastReportTime();
                f.aged++;
                score(f, fresh, standing, placed, truth.flightId(r.timeMillis()));
            }
        }
    }

    /** Both forecasts on the steps after the fresh one's last report that both reach, where the truth has a rate. */
    private void score(PolicyFigures f, WindowForecast fresh, WindowForecast standing, GriddedFlight placed,
            String flightId) {
        f.cadence.window(flightId);
        f.standing.window(flightId);
        for (Metrics[] pair : f.ahead) {
            pair[0].window(flightId);
            pair[1].window(flightId);
        }
        if (placed == null) {
            return;
        }
        GriddedFlight fw = fresh.request().window();
        GriddedFlight sw = standing.request().window();
        long step = fw.stepMillis();
        long t = fresh.request().lastReportTime();
        long end = Math.min(fw.timeOf(fw.steps() - 1), sw.timeOf(sw.steps() - 1));
        for (int s = 0; s < fw.steps(); s++) {
            long time = fw.timeOf(s);
            // a report belongs to the step nearest its time: the steps after t's own step are the forecast ones
            if (time - step / 2 <= t || time > end) {
                continue;
            }
            int ss = (int) ((time - sw.startMillis()) / step);
            int ts = (int) ((time - placed.startMillis()) / step);
            if (fresh.rate().observed()[s] || standing.rate().observed()[ss] || ts < 0 || ts >= placed.steps()
                    || !placed.has(ts, Channel.VERTICAL_RATE)) {
                continue;
            }
            double y = placed.value(ts, Channel.VERTICAL_RATE);
            int bucket = 0;
            while (time - t > AHEAD_BOUNDS_MILLIS[bucket]) {
                bucket++;
            }
            add(f.cadence, f.ahead[bucket][0], fresh, s, y);
            add(f.standing, f.ahead[bucket][1], standing, ss, y);
        }
    }

    private static void add(Metrics all, Metrics bucket, WindowForecast f, int step, double truth) {
        PiecewiseLinearQuantiles fan = new PiecewiseLinearQuantiles(f.quantileLevels(), f.rate().quantiles()[step]);
        double point = f.rate().estimate()[step];
        HiddenStepScoring.scoreQuantileFunction(all, truth, point, fan);
        HiddenStepScoring.scoreQuantileFunction(bucket, truth, point, fan);
    }

    /** One segmentation key's prepared flights, placed on the grid of the track's flight that is scored. */
    private final class Truth {
        private final List<PreparedFlight> flights;
        private long placedStart = FlightTrack.NONE;
        private PreparedFlight placedFlight;
        private GriddedFlight placed;

        Truth(List<PreparedFlight> flights) {
            this.flights = flights;
        }

        /** The prepared flight nearest in time to {@code time} (the one holding it, when one does). */
        PreparedFlight at(long time) {
            PreparedFlight best = null;
            long bestDistance = Long.MAX_VALUE;
            for (PreparedFlight p : flights) {
                Flight f = p.flight();
                long distance = time < f.startMillis() ? f.startMillis() - time
                        : time > f.endMillis() ? time - f.endMillis() : 0;
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = p;
                }
            }
            return best;
        }

        String flightId(long time) {
            PreparedFlight p = at(time);
            return p == null ? "none" : p.flight().id();
        }

        /** The prepared flight at {@code time} placed on the grid that starts at {@code flightStart}; null: none. */
        GriddedFlight on(long flightStart, long time) {
            PreparedFlight p = at(time);
            if (p == null || p.flight().endMillis() < flightStart) {
                return null;
            }
            if (p != placedFlight || flightStart != placedStart) {
                long stepMillis = preparation.settings().spec().grid().stepMillis();
                int steps = (int) Math.floorDiv(p.flight().endMillis() - flightStart, stepMillis) + 2;
                placed = preparation.place(p.flight(), flightStart, new WindowSpan(0, steps));
                placedFlight = p;
                placedStart = flightStart;
            }
            return placed;
        }
    }
}
