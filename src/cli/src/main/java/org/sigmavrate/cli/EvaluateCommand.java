package org.sigmavrate.cli;

import java.io.IOException;
import java.io.PrintStream;
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

import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.AltitudeConsistency;
import org.sigmavrate.model.AltitudeConsistentRates;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.baseline.LinearInterpolationForecaster;
import org.sigmavrate.model.baseline.PersistenceForecaster;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.eval.BaselineComparisons;
import org.sigmavrate.model.eval.EvalWindow;
import org.sigmavrate.model.eval.EvalWindows;
import org.sigmavrate.model.eval.Evaluator;
import org.sigmavrate.model.eval.FlightBootstrap;
import org.sigmavrate.model.eval.Metrics;
import org.sigmavrate.model.eval.Protocol;
import org.sigmavrate.model.sampling.LeftToRightSampler;
import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.ModelDirectories;
import org.sigmavrate.model.onnx.ModelLoadException;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;

import jakarta.inject.Inject;

import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Scores the σ-GPT and the baselines on recorded flights the model never saw (e.g. the dataset's",
                "test_flights.csv): 64-step windows in which every step has a true vertical rate, some steps shown",
                "per protocol, metrics on the hidden steps' rates. Prints a table, writes metrics.json.",
                "Definitions: docs/INFERENCE.md."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:evaluated", "1:the model could not be run or the metrics not written",
                "2:bad arguments or no usable input (unknown format, empty file, no flight long enough)"})
public class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
            description = "files or folders of any supported format (canonical CSV, traffic JSON, ...)")
    List<Path> inputs;

    @Option(names = "--protocol", defaultValue = "all", split = ",",
            description = "sparse10, sparse25, gap, forecast or all (comma-separated; default: ${DEFAULT-VALUE})")
    List<String> protocols;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "metrics JSON to write")
    Path out;

    @ConfigKey("forecaster.offline.samples")
    @Option(names = "--samples", description = "joint samples K per window for the sample-median row; 0 skips it (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = "--seed", defaultValue = "20240415", description = "seed of the observed steps and the sampling (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--max-windows", defaultValue = "0", description = "evaluate only the first N windows (0: all)")
    int maxWindows;

    @Option(names = "--batch-windows", defaultValue = "8", description = "windows per batched model call (default: ${DEFAULT-VALUE})")
    int batchWindows;

    @Option(names = "--sample-windows", defaultValue = "0",
            description = "draw joint samples only for the first N windows (0: all); the sample row says how many it scored")
    int sampleWindows;

    @Mixin
    ContextOptions context;

    @Option(names = "--bootstrap", defaultValue = "2000",
            description = "bootstrap replicates (flights resampled with replacement, seeded by --seed) of the 95%% "
                    + "intervals of the ratios against the baselines and of the coverages (default: ${DEFAULT-VALUE})")
    int bootstrapReplicates;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = {"calibration written by `calibrate` on validation flights: adds the probabilistic",
                    "altitude-difference baseline and the σ-GPT density with conformal bands; default: calibration.json",
                    "in the model folder, when there is one"})
    Path calibrationFile;

    @Option(names = "--no-calibration", description = "ignore the model folder's calibration.json")
    boolean noCalibration;

    @Option(names = "--no-model", description = "baselines only")
    boolean noModel;

    @Option(names = "--baseline-model", paramLabel = "DIR",
            description = {"left-to-right baseline model folder (same interface as the σ-GPT, trained on left-to-right",
                    "orders); default: the single model next to the σ-GPT (in models/, or in the folder of --model)",
                    "whose model.json says training.args.order = l2r, if there is one"})
    Path baselineModel;

    @Option(names = "--no-baseline-model", description = "skip the left-to-right baseline model's rows")
    boolean noBaselineModel;

    @Mixin
    ModelOptions modelOptions;

    /**
     * --altitude-consistency: what the σ-GPT publishes (the conformal row); the altitude-consistent row is scored with
     * these parameters either way, next to the raw density row
     */
    @Mixin
    ConsistencyOptions consistencyOptions;

    @Inject
    ForecasterConfig config;

    @Override
    public Integer call() {
        if (context.invalid() != null) {
            System.err.println("evaluate: " + context.invalid());
            return 2;
        }
        AltitudeConsistency consistency;
        try {
            consistency = consistencyOptions.setting();
        } catch (IllegalArgumentException e) {
            System.err.println("evaluate: " + e.getMessage());
            return 2;
        }
        AltitudeConsistentRates consistent = consistency.rates();
        if (bootstrapReplicates < 1) {
            System.err.println("evaluate: --bootstrap must be >= 1");
            return 2;
        }
        List<Protocol> chosen;
        try {
            chosen = EvalInputs.protocols(protocols);
        } catch (IllegalArgumentException e) {
            System.err.println("evaluate: " + e.getMessage());
            return 2;
        }
        Spec spec = SpecLoader.bundled();
        EvalInputs.Loaded input = EvalInputs.load("evaluate", inputs, ConfiguredSettings.preparation(config, spec), maxWindows);
        if (input == null) {
            return 2;
        }
        List<Path> files = input.files();
        EvalWindows.Loaded loaded = input.read();
        List<EvalWindow> windows = input.windows();
        SigmaGptSession session = null;
        SigmaGptSession baselineSession = null;
        try {
            SigmaGptForecaster model = null;
            Map<String, Object> l2rInfo = new LinkedHashMap<>();
            LeftToRightSampler l2r = null;
            if (!noModel) {
                session = modelOptions.open();
                model = new SigmaGptForecaster(session, context.applyTo(ConfiguredSettings.forecast(config))
                        .withSamples(samples).withAltitudeConsistency(consistency));
                System.err.println("evaluate: altitude consistency of the published rates (the conformal row): "
                        + consistency.describe() + "; the density row is the raw model, the altitude-consistent row "
                        + "uses " + consistency.parameters());
                Path l2rDir = leftToRightModel(session.directory(), l2rInfo);
                if (l2rDir != null) {
                    baselineSession = SigmaGptSession.open(l2rDir,
                            new SessionConfig(modelOptions.threads, ExecutionProvider.parse(modelOptions.provider)));
                    l2r = new LeftToRightSampler(baselineSession, config.maxBatchSequences());
                    l2rInfo.put("model_id", baselineSession.modelId());
                    l2rInfo.put("directory", l2rDir.toString());
                    l2rInfo.put("training_order", ModelDirectories.trainingOrder(l2rDir).orElse(null));
                    l2rInfo.put("samples", samples);
                    l2rInfo.put("rows", "sample median on every protocol; density (mixture over the K sampled "
                            + "prefixes) on forecast only");
                    System.err.printf("evaluate: left-to-right baseline model %s (%s), K = %d left-to-right samples "
                            + "per window%n", baselineSession.modelId(), l2rDir, samples);
                }
            } else {
                l2rInfo.put("evaluated", false);
                l2rInfo.put("reason", "--no-model");
            }
            Map<String, Object> calibrationInfo = new LinkedHashMap<>();
            Calibration calibration = calibration(session == null ? null : session.directory(), model, calibrationInfo);
            List<WindowForecaster> baselines = List.of(new LinearInterpolationForecaster(),
                    new AltitudeDifferenceForecaster(), new PersistenceForecaster());
            Evaluator evaluator = new Evaluator(model, noModel ? 0 : samples, baselines, seed, batchWindows)
                    .sampleWindows(sampleWindows)
                    .altitudeConsistent(consistent)
                    .calibration(calibration)
                    .leftToRight(l2r, l2r == null ? null : baselineSession.modelId());
            FlightBootstrap bootstrap = new FlightBootstrap(bootstrapReplicates, seed);
            Map<String, Object> byProtocol = new LinkedHashMap<>();
            List<Scored> results = new ArrayList<>();
            for (Protocol p : chosen) {
                Evaluator.ProtocolResult r = evaluator.run(p, windows, System.err);
                Scored scored = new Scored(r, BaselineComparisons.ratios(r.rows(), evaluator.modelRows(),
                        evaluator.pointBaselineRows(), evaluator.probabilisticBaselineRow(), bootstrap), BaselineComparisons.coverages(r.rows(), bootstrap));
                results.add(scored);
                Map<String, Object> rows = new LinkedHashMap<>();
                r.rows().forEach((name, m) -> rows.put(name, m.toMap()));
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("rows", rows);
                entry.put("ratios", scored.ratiosToJson());
                entry.put("coverage_intervals", scored.coveragesToJson());
                if (!Double.isNaN(r.stepsPerSample())) {
                    entry.put("burst_steps_per_sample", r.stepsPerSample());
                    entry.put("forward_evaluations_per_sample", r.callsPerSample());
                }
                if (r.leftToRight() != null) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("windows", r.leftToRight().windows());
                    e.put("forward_calls", r.leftToRight().forwardCalls());
                    e.put("sampled_positions_per_path", nullIfNaN(r.leftToRight().positionsPerPath()));
                    e.put("seconds", r.leftToRight().seconds());
                    entry.put("l2r_baseline_sampling", e);
                }
                entry.put("seconds", r.seconds());
                byProtocol.put(p.label(), entry);
            }
            print(System.out, results);
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model_id", model == null ? null : model.modelId());
            json.put("spec_sha256", spec.sha256());
            json.put("inputs", inputs.stream().map(Path::toString).toList());
            json.put("files", files.size());
            json.put("flights", loaded.flights());
            json.put("windows", windows.size());
            json.put("seed", seed);
            json.put("max_known_positions", context.maxKnown());
            json.put("max_known_span_steps", context.maxKnownSpan());
            json.put("samples", samples);
            json.put("altitude_consistency", consistency.toMap());
            json.put("altitude_consistent_band", consistent.band().percent());
            json.put("altitude_consistent_share", consistent.share().name().toLowerCase(java.util.Locale.ROOT));
            json.put("altitude_consistent_noise_ft", consistent.altitudeNoiseFt());
            json.put("metric_channel", "vertical_rate (ft/min), hidden steps only");
            Map<String, Object> intervals = new LinkedHashMap<>();
            intervals.put("method", "percentile bootstrap over flights: flights drawn with replacement, ratio of the "
                    + "sums over the drawn flights' hidden steps recomputed per replicate; 95% = 2.5th..97.5th percentile");
            intervals.put("replicates", bootstrapReplicates);
            intervals.put("seed", seed);
            json.put("intervals", intervals);
            json.put("left_to_right_baseline", l2rInfo);
            json.put("calibration", calibrationInfo);
            json.put("protocols", byProtocol);
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), json);
            System.err.println("evaluate: wrote " + out);
            return 0;
        } catch (ModelLoadException e) {
            System.err.println("evaluate: " + e.getMessage());
            return 1;
        } catch (UnusableCalibrationException e) {
            System.err.println("evaluate: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("evaluate: cannot write " + out + ": " + e.getMessage());
            return 1;
        } finally {
            if (session != null) {
                session.close();
            }
            if (baselineSession != null) {
                baselineSession.close();
            }
        }
    }

    /** A calibration file that was asked for and cannot be used. */
    private static final class UnusableCalibrationException extends RuntimeException {
        UnusableCalibrationException(String message) {
            super(message);
        }
    }

    /**
     * The calibration to score with: {@code --calibration}, else the model folder's calibration.json when there is
     * one; null when none (or {@code --no-calibration}). Band corrections fitted for another model are dropped with a
     * warning; the residual quantiles do not depend on the model and are kept.
     */
    private Calibration calibration(Path modelDir, SigmaGptForecaster model, Map<String, Object> info) {
        Path file = calibrationFile;
        if (file == null && !noCalibration && modelDir != null && Files.isRegularFile(modelDir.resolve(Calibration.FILE_NAME))) {
            file = modelDir.resolve(Calibration.FILE_NAME);
        }
        info.put("file", file == null ? null : file.toString());
        if (file == null) {
            info.put("reason", noCalibration ? "--no-calibration" : "no --calibration and no " + Calibration.FILE_NAME
                    + " in the model folder");
            System.err.println("evaluate: no calibration: no probabilistic baseline or conformal rows");
            return null;
        }
        Calibration c;
        try {
            c = Calibration.read(file);
        } catch (IOException e) {
            throw new UnusableCalibrationException("cannot read the calibration " + file + ": " + e.getMessage());
        }
        info.put("model_id", c.modelId());
        info.put("max_known_positions", c.maxKnown());
        info.put("fitted_on", c.fittedOn());
        if (c.conformal() != null) {
            info.put("conformity_score", c.conformal().score().label());
            info.put("central_coverages", c.conformal().coverages());
        }
        if (c.conformal() != null && model != null && !model.modelId().equals(c.modelId())) {
            System.err.printf("evaluate: warning: the calibration's band corrections were fitted for %s, not %s; "
                    + "no conformal row%n", c.modelId(), model.modelId());
            info.put("conformal_dropped", "fitted for model " + c.modelId());
            c = c.withoutConformal();
        } else if (c.conformal() != null && model != null) {
            if (c.maxKnown() != context.maxKnown()) {
                System.err.printf("evaluate: warning: the calibration's band corrections were fitted with --max-known "
                        + "%d, this run uses %d%n", c.maxKnown(), context.maxKnown());
            }
            String mismatch = CalibratedBands.consistencyMismatch(c.consistency(),
                    model.settings().altitudeConsistency());
            if (mismatch != null) {
                System.err.println("evaluate: warning: " + mismatch);
                info.put("altitude_consistency_mismatch", mismatch);
            }
        }
        info.put("altitude_consistency", c.consistency().toMap());
        System.err.println("evaluate: calibration " + file + " (fitted on " + c.fittedOn().get("inputs") + ")");
        return c;
    }

    /**
     * The left-to-right baseline model to score next to the σ-GPT in {@code main}: {@code --baseline-model}, else the
     * single model marked left-to-right in the folder the σ-GPT came from; null (with the reason in {@code info})
     * when there is none or it was turned off.
     */
    private Path leftToRightModel(Path main, Map<String, Object> info) {
        info.put("evaluated", false);
        if (noBaselineModel) {
            info.put("reason", "--no-baseline-model");
            return null;
        }
        if (samples <= 0) {
            info.put("reason", "--samples 0 (its rows need K >= 1 left-to-right samples)");
            System.err.println("evaluate: --samples 0: no left-to-right baseline rows (they need K >= 1 samples)");
            return null;
        }
        if (baselineModel != null) {
            Path dir = ModelDirectories.resolveLeftToRight(baselineModel);
            if (!ModelDirectories.isLeftToRight(dir)) {
                System.err.printf("evaluate: warning: --baseline-model %s is not marked left-to-right in its model.json "
                        + "(training.args.order = %s); sampling it left to right anyway%n", dir,
                        ModelDirectories.trainingOrder(dir).orElse("missing"));
            }
            info.put("evaluated", true);
            info.put("chosen_by", "--baseline-model");
            return dir;
        }
        if (ModelDirectories.isLeftToRight(main)) {
            info.put("reason", "the main model " + main + " is itself marked left-to-right");
            System.err.printf("evaluate: warning: the main model %s is marked left-to-right (model.json "
                    + "training.args.order = l2r); no separate left-to-right baseline rows%n", main);
            return null;
        }
        Path root = ModelDirectories.searchRoot(modelOptions.model);
        List<Path> found = new ArrayList<>();
        for (Path p : ModelDirectories.leftToRightModels(root)) {
            if (!same(p, main)) {
                found.add(p);
            }
        }
        if (found.isEmpty()) {
            info.put("reason", "no model marked left-to-right (model.json training.args.order = l2r) in " + root);
            System.err.printf("evaluate: no left-to-right baseline model in %s (model.json training.args.order = l2r); "
                    + "its rows are skipped%n", root);
            return null;
        }
        if (found.size() > 1) {
            info.put("reason", "several left-to-right models in " + root + ": " + found + "; choose with --baseline-model");
            System.err.printf("evaluate: several left-to-right models in %s: %s; choose one with --baseline-model "
                    + "(rows skipped)%n", root, found);
            return null;
        }
        info.put("evaluated", true);
        info.put("chosen_by", "the left-to-right model in " + root);
        return found.get(0);
    }

    private static boolean same(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static Object nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }

    /** One protocol's rows with their comparisons against the baselines. */
    record Scored(Evaluator.ProtocolResult result, List<BaselineComparisons.Ratio> ratios,
            List<BaselineComparisons.Coverage> coverages) {
        List<Map<String, Object>> ratiosToJson() {
            List<Map<String, Object>> out = new ArrayList<>();
            for (BaselineComparisons.Ratio r : ratios) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("row", r.row());
                m.put("metric", r.metric());
                m.put("baseline", r.baseline());
                m.putAll(BaselineComparisons.toMap(r.interval()));
                out.add(m);
            }
            return out;
        }

        Map<String, Object> coveragesToJson() {
            Map<String, Object> out = new LinkedHashMap<>();
            for (BaselineComparisons.Coverage c : coverages) {
                @SuppressWarnings("unchecked")
                Map<String, Object> row = (Map<String, Object>) out.computeIfAbsent(c.row(), k -> new LinkedHashMap<>());
                row.put(c.name(), BaselineComparisons.toMap(c.interval()));
            }
            return out;
        }
    }

    static void print(PrintStream o, List<Scored> scored) {
        o.printf(Locale.ROOT, "%-10s %-44s %7s %8s %8s %8s %8s %6s %6s %6s %6s%n", "protocol", "row", "windows", "MAE",
                "RMSE", "CRPS", "NLL", "cov50", "cov90", "rcov50", "rcov90");
        for (Scored sc : scored) {
            Evaluator.ProtocolResult r = sc.result();
            for (Map.Entry<String, Metrics> e : r.rows().entrySet()) {
                Metrics m = e.getValue();
                o.printf(Locale.ROOT, "%-10s %-44s %7d %8.1f %8.1f %8s %8s %6s %6s %6s %6s%n", r.protocol().label(),
                        e.getKey(), m.windows(), m.mae(), m.rmse(), fmt(m.crps(), "%.1f"), fmt(m.nll(), "%.3f"),
                        fmt(m.coverage50(), "%.3f"), fmt(m.coverage90(), "%.3f"), fmt(m.coverage50Randomized(), "%.3f"),
                        fmt(m.coverage90Randomized(), "%.3f"));
            }
            if (!Double.isNaN(r.stepsPerSample())) {
                o.printf(Locale.ROOT, "%-10s burst sampler: %.1f steps and %.1f forward evaluations per joint sample%n",
                        r.protocol().label(), r.stepsPerSample(), r.callsPerSample());
            }
            Evaluator.LeftToRightEffort e = r.leftToRight();
            if (e != null && e.windows() > 0) {
                o.printf(Locale.ROOT, "%-10s l2r baseline %s: %d windows, %.1f sampled positions per path, %d batched "
                        + "forward calls, %.1f s%n", r.protocol().label(), e.modelId(), e.windows(), e.positionsPerPath(),
                        e.forwardCalls(), e.seconds());
            }
        }
        o.println();
        o.println("ratios to the baselines and coverages, with 95% intervals over flights (bootstrap):");
        for (Scored sc : scored) {
            String label = sc.result().protocol().label();
            for (BaselineComparisons.Ratio r : sc.ratios()) {
                FlightBootstrap.Interval i = r.interval();
                o.printf(Locale.ROOT, "%-10s %-44s %4s / %-44s %6.3f [%.3f, %.3f]%n", label, r.row(),
                        r.metric().toUpperCase(Locale.ROOT), r.baseline(), i.estimate(), i.low(), i.high());
            }
            for (BaselineComparisons.Coverage c : sc.coverages()) {
                FlightBootstrap.Interval i = c.interval();
                o.printf(Locale.ROOT, "%-10s %-44s %-6s %-44s %6.3f [%.3f, %.3f]%n", label, c.row(),
                        (c.randomized() ? "r" : "") + (c.level() == 0.5 ? "cov50" : "cov90"), "", i.estimate(), i.low(),
                        i.high());
            }
        }
    }

    private static String fmt(double v, String pattern) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, pattern, v);
    }
}
