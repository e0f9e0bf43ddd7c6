package org.sigmavrate.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import jakarta.inject.Inject;

import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;
import org.sigmavrate.config.ForecasterFactory;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.UnreadableFileException;
import org.sigmavrate.model.eval.FlightBootstrap;
import org.sigmavrate.model.eval.Metrics;
import org.sigmavrate.model.eval.ReforecastReplay;
import org.sigmavrate.streaming.Replay;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.TrackRules;
import org.sigmavrate.tracking.Trigger;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * What re-forecasting only on changes costs against a fresh forecast every cadence, on recorded flights replayed
 * offline through the service's tracking, windows and forecaster ({@link ReforecastReplay}).
 */
@Command(name = "reforecast-eval", mixinStandardHelpOptions = true,
        description = {"Replays recorded flights report by report through the service's tracking, windows and",
                "forecaster (configured as the service) under the cadence policy (a fresh forecast every cadence)",
                "and under re-forecasting on changes (a forecast only when the policy triggers, published at once),",
                "and scores at every cadence point the forecast a consumer holds under each against the prepared",
                "flight: MAE and CRPS (ft/min) over the steps ahead both forecasts reach, the cost (changes /",
                "cadence - 1) with 95%% intervals over flights, the skip share and the triggers per reason.",
                "Prints a table, writes JSON. Method: docs/STREAMING.md, \"What skipping costs\"."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:evaluated", "1:the forecaster could not be run or the JSON not written",
                "2:bad arguments or no usable input"})
public class ReforecastEvalCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
            description = "files or folders of any supported format (e.g. the dataset's val_flights.csv)")
    List<Path> inputs;

    @Option(names = "--out", paramLabel = "FILE", description = "JSON to write (default: none)")
    Path out;

    @Option(names = "--max-flights", defaultValue = "0",
            description = "replay only the first N flights (in file order; 0: all)")
    int maxFlights;

    @ConfigKey("forecaster.reforecast.band")
    @Option(names = "--band", split = ",", paramLabel = "PERCENT",
            description = {"central band(s) of the standing forecast a report's rate must leave to re-forecast,",
                    "percent; the forecaster must publish the levels 0.5 -/+ band/2 (default: ${DEFAULT-VALUE})"})
    List<Integer> bands;

    @ConfigKey("forecaster.reforecast.max-age-seconds")
    @Option(names = "--max-age", split = ",", paramLabel = "SECONDS",
            description = "a standing forecast this much older than the latest report is replaced; several values "
                    + "give one policy per band and max age (default: ${DEFAULT-VALUE})")
    List<Double> maxAges;

    @Option(names = "--band-tolerance", paramLabel = "FPM",
            description = "a report leaves the band only when it is more than this outside it (default: the policy's, "
                    + "two ADS-B quanta of 64 ft/min)")
    Double bandTolerance;

    @Option(names = "--window-steps", split = ",", paramLabel = "STEPS",
            description = {"window length(s) of the policies, grid steps; each policy is replayed on each, against the",
                    "cadence on the configured windows (forecaster.window.steps, the service's); a length",
                    "other than the cadence's makes its own windows and forecasts (default: the configured one)"})
    List<Integer> windowSteps;

    @Option(names = "--mode", split = ",", paramLabel = "MODE",
            description = {"changes: the policies of --band and --max-age; cadence: a fresh forecast every cadence",
                    "on each --window-steps (band and max age unused), to compare window lengths (default: changes)"})
    List<String> modes = List.of("changes");

    @Option(names = "--bootstrap", defaultValue = "2000",
            description = "bootstrap replicates (flights resampled with replacement) of the 95%% intervals "
                    + "(default: ${DEFAULT-VALUE})")
    int bootstrapReplicates;

    @Option(names = "--seed", defaultValue = "20240415",
            description = "seed of the bootstrap (default: ${DEFAULT-VALUE})")
    long seed;

    @Inject
    ForecasterConfig config;

    @Override
    public Integer call() {
        if (maxFlights < 0 || bootstrapReplicates < 1) {
            System.err.println("reforecast-eval: --max-flights must be >= 0 and --bootstrap >= 1");
            return 2;
        }
        Spec spec = SpecLoader.bundled();
        TrackRules rules;
        List<ReforecastReplay.Policy> policies = new ArrayList<>();
        try {
            rules = ConfiguredSettings.trackRules(config, spec.grid());
            List<ReforecastRules.Mode> asked = modes.stream().map(ReforecastRules.Mode::of).toList();
            List<ReforecastRules> reforecasts = new ArrayList<>();
            if (asked.contains(ReforecastRules.Mode.CADENCE)) {
                reforecasts.add(ReforecastRules.CADENCE);
            }
            if (asked.contains(ReforecastRules.Mode.CHANGES)) {
                for (int band : bands) {
                    for (double age : maxAges) {
                        ReforecastRules p = ReforecastRules.changes(band, Math.round(age * 1000));
                        if (bandTolerance != null) {
                            p = new ReforecastRules(p.mode(), p.bandPercent(), bandTolerance, p.maxAgeMillis(),
                                    p.minSpacingMillis(), p.climbAboveFpm(), p.descentBelowFpm(), p.levelWithinFpm());
                        }
                        p.bandIndices(ConfiguredSettings.forecast(config).quantileLevels());
                        reforecasts.add(p);
                    }
                }
            }
            for (int steps : windowSteps == null ? List.of(rules.windowSteps()) : windowSteps) {
                rules.withWindowSteps(steps); // refuses a length the model or the horizon does not allow
                for (ReforecastRules p : reforecasts) {
                    policies.add(new ReforecastReplay.Policy(p, steps));
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("reforecast-eval: --band / --max-age / --window-steps / --mode: " + e.getMessage());
            return 2;
        }
        List<Report> reports;
        try {
            reports = Replay.load(inputs, System.err);
        } catch (UnreadableFileException e) {
            System.err.println("reforecast-eval: " + e.getMessage());
            return 2;
        }
        if (reports.isEmpty()) {
            System.err.println("reforecast-eval: no usable reports in " + inputs);
            return 2;
        }
        ReforecastReplay.Result result;
        String modelId;
        try (WindowForecaster forecaster = ForecasterFactory.open(config)) {
            modelId = forecaster.modelId();
            ReforecastReplay replay = new ReforecastReplay(spec, policies, rules, forecaster);
            result = replay.run(reports, maxFlights, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("reforecast-eval: " + e.getMessage());
            return 2;
        } catch (RuntimeException e) {
            System.err.println("reforecast-eval: the forecaster failed: " + e.getMessage());
            return 1;
        }
        FlightBootstrap bootstrap = new FlightBootstrap(bootstrapReplicates, seed);
        print(modelId, result, bootstrap);
        if (out != null) {
            try {
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(),
                        json(modelId, rules, result, bootstrap));
            } catch (IOException e) {
                System.err.println("reforecast-eval: cannot write " + out + ": " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }

    private static String policyLabel(ReforecastReplay.PolicyFigures f) {
        ReforecastRules p = f.rules();
        String window = " window " + f.windowSteps();
        if (!p.onChanges()) {
            return "cadence" + window;
        }
        return "changes band " + p.bandPercent() + "% max-age " + fmt(p.maxAgeMillis() / 1000.0, "%.0f") + "s tol "
                + fmt(p.bandToleranceFpm(), "%.0f") + window;
    }

    private static void print(String modelId, ReforecastReplay.Result r, FlightBootstrap bootstrap) {
        System.out.printf(Locale.ROOT, "reforecast-eval: %s, %d flights, %,d reports, %,d cadence triggers "
                + "(%,d scored cadence points), %,d forecasts made (%.0f s)%n", modelId, r.flights(), r.reports(),
                r.cadenceTriggers(), r.cadencePoints(), r.forecasts(), r.seconds());
        System.out.printf(Locale.ROOT,
                "%-50s %8s %6s %6s %6s %9s %6s %7s %6s %8s %8s %8s %-18s %8s %8s %-18s %6s %6s%n",
                "policy", "triggers", "work", "skip", "first", "left-band", "phase", "max-age", "age s", "steps",
                "MAE cad", "MAE chg", "MAE cost [95%]", "CRPS cad", "CRPS chg", "CRPS cost [95%]", "c90cad",
                "c90chg");
        for (ReforecastReplay.PolicyFigures p : r.policies()) {
            Metrics cad = p.cadence();
            Metrics chg = p.standing();
            System.out.printf(Locale.ROOT,
                    "%-50s %8d %6.3f %6.3f %6d %9d %6d %7d %6.1f %8d %8.1f %8.1f %-18s %8.1f %8.1f %-18s %6.3f %6.3f%n",
                    policyLabel(p), p.triggerCount(), r.forecastShare(p), r.skipShare(p),
                    count(p, Trigger.FIRST), count(p, Trigger.LEFT_BAND), count(p, Trigger.PHASE_CHANGE),
                    count(p, Trigger.MAX_AGE), p.meanAgeSeconds(), cad.steps(), cad.mae(), chg.mae(),
                    interval(p.maeCost(bootstrap)), cad.crps(), chg.crps(), interval(p.crpsCost(bootstrap)),
                    cad.coverage90(), chg.coverage90());
            for (int b = 0; b < ReforecastReplay.AHEAD_LABELS.length; b++) {
                Metrics[] pair = p.ahead(b);
                System.out.printf(Locale.ROOT, "  %-8s ahead: %8d steps, MAE %.1f -> %.1f cost %s, CRPS %.1f -> %.1f "
                        + "cost %s%n", ReforecastReplay.AHEAD_LABELS[b], pair[0].steps(), pair[0].mae(), pair[1].mae(),
                        interval(p.maeCost(bootstrap, b)), pair[0].crps(), pair[1].crps(),
                        interval(p.crpsCost(bootstrap, b)));
            }
        }
    }

    private static long count(ReforecastReplay.PolicyFigures p, Trigger t) {
        return p.triggers().getOrDefault(t, 0L);
    }

    private static String interval(FlightBootstrap.Interval i) {
        return String.format(Locale.ROOT, "%+.2f%% [%+.2f,%+.2f]", 100 * i.estimate(), 100 * i.low(), 100 * i.high());
    }

    private static String fmt(double v, String format) {
        return String.format(Locale.ROOT, format, v);
    }

    private Map<String, Object> json(String modelId, TrackRules rules, ReforecastReplay.Result r,
            FlightBootstrap bootstrap) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "reforecast-eval");
        json.put("inputs", inputs.stream().map(Path::toString).toList());
        json.put("model_id", modelId);
        json.put("cadence_seconds", rules.cadenceMillis() / 1000.0);
        json.put("horizon_seconds", rules.horizonMillis() / 1000.0);
        json.put("cadence_window_steps", rules.windowSteps());
        json.put("latency", "ignored: a policy's forecast is published to its track at the report that triggered it");
        json.put("steps_scored", "at each cadence point t: the grid steps after t's own step up to the last step both "
                + "the fresh and the held forecast reach, unobserved in both, with a true rate");
        json.put("flights", r.flights());
        json.put("reports", r.reports());
        json.put("cadence_triggers", r.cadenceTriggers());
        json.put("cadence_points_scored", r.cadencePoints());
        json.put("forecasts_made", r.forecasts());
        json.put("seconds", r.seconds());
        json.put("bootstrap", Map.of("replicates", bootstrap.replicates(), "seed", bootstrap.seed(),
                "resampled", "flights"));
        List<Map<String, Object>> list = new ArrayList<>();
        for (ReforecastReplay.PolicyFigures p : r.policies()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("mode", p.rules().mode().name().toLowerCase(Locale.ROOT));
            m.put("band_percent", p.rules().bandPercent());
            m.put("band_tolerance_fpm", p.rules().bandToleranceFpm());
            m.put("max_age_seconds", p.rules().maxAgeMillis() / 1000.0);
            m.put("min_spacing_seconds", p.rules().minSpacingMillis() / 1000.0);
            m.put("window_steps", p.windowSteps());
            m.put("triggers", p.triggerCount());
            Map<String, Long> reasons = new LinkedHashMap<>();
            for (Trigger t : Trigger.values()) {
                reasons.put(t.label(), count(p, t));
            }
            m.put("triggers_by_reason", reasons);
            m.put("forecast_share", num(r.forecastShare(p)));
            m.put("confirmed", p.confirmed());
            m.put("skip_share", num(r.skipShare(p)));
            m.put("published", p.published());
            m.put("cadence_points_unheld", p.unheld());
            m.put("mean_age_seconds", num(p.meanAgeSeconds()));
            m.put("cadence", p.cadence().toMap());
            m.put("changes", p.standing().toMap());
            m.put("mae_cost", json(p.maeCost(bootstrap)));
            m.put("crps_cost", json(p.crpsCost(bootstrap)));
            Map<String, Object> ahead = new LinkedHashMap<>();
            for (int b = 0; b < ReforecastReplay.AHEAD_LABELS.length; b++) {
                Map<String, Object> a = new LinkedHashMap<>();
                a.put("cadence", p.ahead(b)[0].toMap());
                a.put("changes", p.ahead(b)[1].toMap());
                a.put("mae_cost", json(p.maeCost(bootstrap, b)));
                a.put("crps_cost", json(p.crpsCost(bootstrap, b)));
                ahead.put(ReforecastReplay.AHEAD_LABELS[b], a);
            }
            m.put("ahead", ahead);
            list.add(m);
        }
        json.put("policies", list);
        return json;
    }

    private static Map<String, Object> json(FlightBootstrap.Interval i) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("estimate", num(i.estimate()));
        m.put("low95", num(i.low()));
        m.put("high95", num(i.high()));
        return m;
    }

    private static Object num(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
