package org.sigmavrate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.AltitudeConsistency;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.calibration.ConformalBands;
import org.sigmavrate.model.sampling.BurstVariant;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.eval.CalibrationFitter;
import org.sigmavrate.model.eval.Protocol;
import org.sigmavrate.model.onnx.ModelLoadException;
import org.sigmavrate.model.onnx.SigmaGptSession;

import jakarta.inject.Inject;

import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Fits, on VALIDATION flights (the dataset's val_flights.csv), what evaluate reads with",
                "--calibration: the altitude-difference baseline's residual quantiles and the σ-GPT's conformal band",
                "corrections, per kind of hidden step (between observations / beyond them) and distance to the nearest",
                "observation, over the evaluation windows shown under each protocol; the corrections also move the",
                "bands infill and the service publish. Definitions: docs/INFERENCE.md."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written", "1:the model could not be run or the file not written",
                "2:bad arguments or no usable input"})
public class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
            description = "validation flights: files or folders of any supported format")
    List<Path> inputs;

    @Option(names = "--out", paramLabel = "FILE",
            description = "calibration JSON to write (default: calibration.json in the model folder, which evaluate "
                    + "then reads by default)")
    Path out;

    @Option(names = "--protocol", defaultValue = "all", split = ",",
            description = "protocols whose hidden steps are pooled (default: ${DEFAULT-VALUE})")
    List<String> protocols;

    @Option(names = "--seed", defaultValue = "20240415", description = "seed of the observed steps, as evaluate's (default: ${DEFAULT-VALUE})")
    long seed;

    @Mixin
    ContextOptions context;

    @Option(names = "--max-windows", defaultValue = "0", description = "fit on the first N windows only (0: all)")
    int maxWindows;

    @Option(names = "--batch-windows", defaultValue = "8", description = "windows per batched model call (default: ${DEFAULT-VALUE})")
    int batchWindows;

    @Option(names = "--no-model", description = "fit the baseline's residual quantiles only (needs --out)")
    boolean noModel;

    @ConfigKey("forecaster.quantiles")
    @Option(names = "--quantiles", split = ",",
            description = {"the quantile levels that will be published (the service's forecaster.quantiles, infill's",
                    "--quantiles): the central interval of each pair is fitted (default: ${DEFAULT-VALUE})"})
    double[] quantiles;

    @Option(names = "--score", defaultValue = "randomized",
            description = {"conformity score: randomized (the truth's tokenizer bin; corrected bands cover nominally",
                    "in randomized coverage) or point (the truth as a point) (default: ${DEFAULT-VALUE})"})
    String score;

    @Mixin
    ModelOptions modelOptions;

    /** the setting the bands will be published with: the corrections are fitted around those quantiles */
    @Mixin
    ConsistencyOptions consistencyOptions;

    @Inject
    ForecasterConfig config;

    @Override
    public Integer call() {
        if (context.invalid() != null) {
            System.err.println("calibrate: " + context.invalid());
            return 2;
        }
        if (noModel && out == null) {
            System.err.println("calibrate: --no-model needs --out (there is no model folder to write into)");
            return 2;
        }
        List<Protocol> chosen;
        ConformalBands.Score conformity;
        AltitudeConsistency consistency;
        try {
            consistency = consistencyOptions.setting();
            chosen = EvalInputs.protocols(protocols);
            conformity = ConformalBands.Score.parse(score);
            new ForecastSettings(quantiles, 0, ForecastSettings.SamplerKind.BURST, BurstVariant.EXACT, 1, 0, 0,
                    consistency);
            if (ConformalBands.coveragesOf(quantiles).length == 0) {
                throw new IllegalArgumentException("--quantiles " + Arrays.toString(quantiles)
                        + " has no central interval to fit (only the median)");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("calibrate: " + e.getMessage());
            return 2;
        }
        Spec spec = SpecLoader.bundled();
        EvalInputs.Loaded input = EvalInputs.load("calibrate", inputs, ConfiguredSettings.preparation(config, spec), maxWindows);
        if (input == null) {
            return 2;
        }
        SigmaGptSession session = null;
        try {
            SigmaGptForecaster model = null;
            Path target = out;
            if (!noModel) {
                session = modelOptions.open();
                model = new SigmaGptForecaster(session, context.applyTo(ConfiguredSettings.forecast(config))
                        .withSamples(0).withAltitudeConsistency(consistency));
                System.err.println("calibrate: fitting the band corrections around the quantiles published with "
                        + "altitude consistency " + consistency.describe());
                target = out != null ? out : session.directory().resolve(Calibration.FILE_NAME);
            }
            Map<String, Object> from = new LinkedHashMap<>();
            from.put("inputs", inputs.stream().map(Path::toString).toList());
            Calibration calibration = new CalibrationFitter(model, seed, batchWindows, quantiles, conformity)
                    .fit(input.windows(), chosen, from, System.err);
            calibration.write(target);
            summary(calibration);
            System.err.println("calibrate: wrote " + target);
            return 0;
        } catch (ModelLoadException e) {
            System.err.println("calibrate: " + e.getMessage());
            return 1;
        } catch (IOException e) {
            System.err.println("calibrate: cannot write " + out + ": " + e.getMessage());
            return 1;
        } finally {
            if (session != null) {
                session.close();
            }
        }
    }

    private static void summary(Calibration c) {
        ConformalBands bands = c.conformal();
        StringBuilder head = new StringBuilder(String.format(Locale.ROOT, "%-14s %8s %9s %9s", "bucket", "steps",
                "res q05", "res q95"));
        for (double coverage : bands == null ? new double[0] : bands.coverages()) {
            head.append(String.format(Locale.ROOT, " %9s", "widen" + ConformalBands.percent(coverage)));
        }
        System.out.println(head);
        for (int b = 0; b < ObservationBuckets.count(); b++) {
            double[] q = c.residuals().quantiles()[b];
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-14s %8d %9s %9s",
                    ObservationBuckets.label(b), c.residuals().counts()[b], q == null ? "-" : fmt(q[5]),
                    q == null ? "-" : fmt(q[95])));
            for (int k = 0; bands != null && k < bands.coverages().length; k++) {
                line.append(String.format(Locale.ROOT, " %9s", fmt(bands.widen()[k][b])));
            }
            System.out.println(line);
        }
        if (bands != null) {
            System.out.println("conformity score: " + bands.score().label());
        }
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", v);
    }
}
