package org.sigmavrate.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import org.apache.kafka.streams.Topology;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.AltitudeConsistency;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.baseline.LinearInterpolationForecaster;
import org.sigmavrate.model.baseline.PersistenceForecaster;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.InferenceMetrics;
import org.sigmavrate.model.onnx.ModelDirectories;
import org.sigmavrate.model.onnx.ModelLoadException;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.sampling.BurstVariant;
import org.sigmavrate.streaming.NoInferenceForecaster;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.StreamingMetrics;
import org.sigmavrate.streaming.StreamingSettings;
import org.sigmavrate.tracking.TrackRules;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * CDI producers of the streaming service: the forecaster chosen by {@code forecaster.model}, the settings, the
 * wire format, the meters and the {@link Topology}. All are created on first use, so commands that need no
 * broker ({@code dataset}, {@code infill}, ...) never build them.
 */
@ApplicationScoped
public class StreamingBeans {
    private static final Logger LOG = Logger.getLogger(StreamingBeans.class);

    @ConfigProperty(name = "forecaster.model", defaultValue = "sigma-gpt")
    String model;

    /** empty: the single model directory under models/ (as the other commands find it) */
    @ConfigProperty(name = "forecaster.model-dir")
    Optional<String> modelDir;

    @ConfigProperty(name = "forecaster.execution-provider", defaultValue = "cpu")
    String executionProvider;

    @ConfigProperty(name = "forecaster.intra-op-threads", defaultValue = "1")
    int intraOpThreads;

    @ConfigProperty(name = "forecaster.samples", defaultValue = "0")
    int samples;

    @ConfigProperty(name = "forecaster.sampler", defaultValue = "burst")
    String sampler;

    @ConfigProperty(name = "forecaster.quantiles", defaultValue = "0.05,0.25,0.5,0.75,0.95")
    String quantiles;

    @ConfigProperty(name = "forecaster.max-batch-sequences", defaultValue = "16")
    int maxBatchSequences;

    @ConfigProperty(name = "forecaster.max-known-positions", defaultValue = "32")
    int maxKnownPositions;

    /** publish the rate quantiles corrected by the model folder's calibration.json, when it has band corrections */
    @ConfigProperty(name = "forecaster.calibrated-bands", defaultValue = "true")
    boolean calibratedBands;

    /**
     * forecaster.altitude-consistency.*: unset (or empty) keys take {@link AltitudeConsistency#DEFAULT}'s values, the
     * one place the defaults are defined
     */
    @ConfigProperty(name = "forecaster.altitude-consistency.enabled")
    Optional<String> consistencyEnabled = Optional.empty();
    @ConfigProperty(name = "forecaster.altitude-consistency.band")
    Optional<String> consistencyBand = Optional.empty();
    @ConfigProperty(name = "forecaster.altitude-consistency.share")
    Optional<String> consistencyShare = Optional.empty();
    @ConfigProperty(name = "forecaster.altitude-consistency.altitude-noise-ft")
    Optional<String> consistencyNoiseFt = Optional.empty();

    @ConfigProperty(name = "forecaster.topics.input", defaultValue = "surveillance-reports")
    String inputTopic;
    @ConfigProperty(name = "forecaster.topics.trajectories", defaultValue = "infilled-trajectories")
    String trajectoriesTopic;
    @ConfigProperty(name = "forecaster.topics.bands", defaultValue = "density-bands")
    String bandsTopic;
    @ConfigProperty(name = "forecaster.topics.dead-letter", defaultValue = "surveillance-reports-dlq")
    String deadLetterTopic;

    @ConfigProperty(name = "forecaster.window.horizon-seconds", defaultValue = "120")
    double horizonSeconds;
    @ConfigProperty(name = "forecaster.trigger.cadence-seconds", defaultValue = "10")
    double cadenceSeconds;
    @ConfigProperty(name = "forecaster.trigger.min-reports", defaultValue = "2")
    int minReports;
    @ConfigProperty(name = "forecaster.late.grace-seconds", defaultValue = "60")
    double graceSeconds;
    @ConfigProperty(name = "forecaster.flight.max-gap-minutes", defaultValue = "10")
    double maxGapMinutes;
    @ConfigProperty(name = "forecaster.input.max-future-seconds", defaultValue = "600")
    double maxFutureSeconds;
    @ConfigProperty(name = "forecaster.batch.every-ms", defaultValue = "200")
    long batchEveryMs;
    @ConfigProperty(name = "forecaster.batch.max-windows", defaultValue = "2048")
    int maxBatchWindows;
    @ConfigProperty(name = "forecaster.batch.budget-ms", defaultValue = "500")
    long batchBudgetMillis;
    @ConfigProperty(name = "forecaster.inference-threads", defaultValue = "1")
    int inferenceThreads;

    @ConfigProperty(name = "forecaster.serialization", defaultValue = "single-object")
    String serialization;

    @Produces
    @ApplicationScoped
    WindowForecaster forecaster(PrometheusMeterRegistry registry) {
        WindowForecaster f = switch (model) {
            case "sigma-gpt" -> sigmaGpt(registry);
            case "baseline-altitude-difference" -> new AltitudeDifferenceForecaster();
            case "baseline-linear-interpolation" -> new LinearInterpolationForecaster();
            case "baseline-persistence" -> new PersistenceForecaster();
            case "none" -> new NoInferenceForecaster(SpecLoader.bundled().sha256());
            default -> throw new IllegalArgumentException("forecaster.model=" + model + " is not one of sigma-gpt, "
                    + "baseline-altitude-difference, baseline-linear-interpolation, baseline-persistence, none");
        };
        Gauge.builder("sigmavrate.model.info", () -> 1).description("the forecaster in use")
                .tag("model_id", f.modelId()).tag("spec_sha256", f.specSha256()).tag("setting", model)
                .tag("bands", f instanceof SigmaGptForecaster s && s.calibratedBands() != null ? "calibrated" : "raw")
                .tag("altitude_consistency", f instanceof SigmaGptForecaster s
                        && s.settings().altitudeConsistency().enabled() ? "on" : "off")
                .register(registry);
        LOG.infof("forecaster: %s (forecaster.model=%s)", f.modelId(), model);
        return f;
    }

    /**
     * === σ-GPT PLUG-IN POINT ===
     * The ONNX σ-GPT of org.sigmavrate.model from {@code forecaster.model-dir} (default: the single model folder
     * under models/), {@code forecaster.execution-provider} (cpu | cuda | auto: try CUDA, fall back to CPU) and
     * {@code forecaster.intra-op-threads}; K joint sample paths per window ({@code forecaster.samples}) from the
     * {@code forecaster.sampler} (burst by default), bands at {@code forecaster.quantiles}, their central intervals
     * corrected by the model folder's calibration.json unless {@code forecaster.calibrated-bands=false}
     * ({@link CalibratedBands}; an unreadable file stops the start). The session refuses a
     * model whose spec hash differs from {@link SpecLoader#bundled()}. No model: a {@link ModelLoadException}
     * naming the settings that choose another model or a baseline.
     */
    WindowForecaster sigmaGpt(MeterRegistry registry) {
        Path dir;
        try {
            dir = modelDir.filter(d -> !d.isBlank()).map(d -> ModelDirectories.resolve(Path.of(d)))
                    .orElseGet(StreamingBeans::defaultSigmaGpt);
        } catch (ModelLoadException e) {
            throw new ModelLoadException("forecaster.model=sigma-gpt: " + e.getMessage() + ". Point "
                    + "forecaster.model-dir (env FORECASTER_MODEL_DIR) at a model folder, or run a baseline with "
                    + "forecaster.model=baseline-altitude-difference (env FORECASTER_MODEL; also "
                    + "baseline-linear-interpolation, baseline-persistence)", e);
        }
        ForecastSettings fs = new ForecastSettings(parseLevels(quantiles), samples,
                ForecastSettings.SamplerKind.valueOf(sampler.trim().toUpperCase(Locale.ROOT)), BurstVariant.EXACT,
                maxBatchSequences, maxKnownPositions, altitudeConsistency());
        SigmaGptSession session = SigmaGptSession.open(dir,
                new SessionConfig(intraOpThreads, ExecutionProvider.parse(executionProvider)));
        InferenceMetrics im = session.metrics();
        Gauge.builder("sigmavrate.model.on.gpu", im, InferenceMetrics::onGpu)
                .description("1 when the model runs on CUDA").tag("provider", im.executionProvider()).register(registry);
        FunctionCounter.builder("sigmavrate.model.forward.calls", im, InferenceMetrics::forwardCalls)
                .description("ONNX forward calls (densities and sampler steps)").register(registry);
        FunctionCounter.builder("sigmavrate.model.sequences", im, InferenceMetrics::sequences)
                .description("sequences run through the model").register(registry);
        FunctionCounter.builder("sigmavrate.model.seconds", im, InferenceMetrics::seconds)
                .description("time spent in ONNX Runtime").register(registry);
        LOG.infof("sigma-gpt: %s from %s, provider %s, %d intra-op thread(s), K=%d %s sample paths per window, "
                + "quantiles %s", session.modelId(), dir, im.executionProvider(), intraOpThreads, samples,
                sampler, quantiles);
        LOG.infof("sigma-gpt altitude consistency: %s (forecaster.altitude-consistency.enabled=%s)",
                fs.altitudeConsistency().describe(), fs.altitudeConsistency().enabled());
        CalibratedBands.Choice bands;
        try {
            bands = CalibratedBands.forModel(calibratedBands, dir.resolve(Calibration.FILE_NAME), session.modelId(),
                    maxKnownPositions, fs.quantileLevels(), fs.altitudeConsistency());
        } catch (IOException e) {
            session.close();
            throw new ModelLoadException("forecaster.calibrated-bands=true: cannot read the calibration "
                    + dir.resolve(Calibration.FILE_NAME) + ": " + e.getMessage() + ". Refit it (bin/forecaster "
                    + "calibrate) or publish the raw model quantiles with forecaster.calibrated-bands=false (env "
                    + "FORECASTER_CALIBRATED_BANDS)", e);
        }
        LOG.infof("sigma-gpt bands: %s (forecaster.calibrated-bands=%s)", bands.description(), calibratedBands);
        return new SigmaGptForecaster(session, fs, true, bands.bands());
    }

    /** forecaster.altitude-consistency.*, each unset key at its default; a bad value stops the start, naming it. */
    AltitudeConsistency altitudeConsistency() {
        try {
            return AltitudeConsistency.parse(consistencyEnabled.orElse(null), consistencyBand.orElse(null),
                    consistencyShare.orElse(null), consistencyNoiseFt.orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forecaster.altitude-consistency.*: " + e.getMessage(), e);
        }
    }

    /**
     * The single model folder under models/; when there are several (the trainer also ships a left-to-right
     * baseline model), the single one whose model.json says {@code "training_order": "random"}: only a model trained
     * on random orders is a σ-GPT that can condition on any set of observed steps.
     */
    static Path defaultSigmaGpt() {
        List<Path> all = ModelDirectories.list(ModelDirectories.DEFAULT_ROOT);
        if (all.size() <= 1) {
            return ModelDirectories.resolve(null);
        }
        List<Path> randomOrder = all.stream().filter(StreamingBeans::trainedOnRandomOrders).toList();
        if (randomOrder.size() == 1) {
            LOG.infof("sigma-gpt: %d models in %s, taking the one trained on random orders: %s", all.size(),
                    ModelDirectories.DEFAULT_ROOT, randomOrder.get(0));
            return randomOrder.get(0);
        }
        return ModelDirectories.resolve(null); // several: the model package's message names them
    }

    private static boolean trainedOnRandomOrders(Path dir) {
        try {
            return RANDOM_ORDER.matcher(Files.readString(dir.resolve("model.json"))).find();
        } catch (IOException e) {
            return false;
        }
    }

    private static final Pattern RANDOM_ORDER = Pattern.compile("\"training_order\"\\s*:\\s*\"random\"");

    static double[] parseLevels(String text) {
        String[] parts = text.split(",");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i].trim());
        }
        return out;
    }

    void close(@Disposes WindowForecaster forecaster) {
        forecaster.close();
    }

    @Produces
    @Singleton
    Spec spec() {
        return SpecLoader.bundled();
    }

    @Produces
    @Singleton
    StreamingSettings settings(Spec spec) {
        TrackRules rules = new TrackRules(spec.grid(), Math.round(horizonSeconds * 1000), Math.round(cadenceSeconds * 1000),
                Math.round(graceSeconds * 1000), Math.round(maxGapMinutes * 60_000), minReports);
        return new StreamingSettings(new StreamingSettings.Topics(inputTopic, trajectoriesTopic, bandsTopic, deadLetterTopic),
                rules, Math.round(maxFutureSeconds * 1000), batchEveryMs, maxBatchWindows, batchBudgetMillis);
    }

    @Produces
    @Singleton
    AvroFormat format() {
        if ("single-object".equals(serialization)) {
            return AvroFormat.singleObject();
        }
        if ("registry".equals(serialization)) {
            Map<String, Object> apicurio = new HashMap<>();
            // names set through environment variables (APICURIO_REGISTRY_URL) are only found by asking for them
            for (String known : new String[] {"url", "auto-register", "use-id", "id-handler",
                    "artifact-resolver-strategy", "auth.username", "auth.password"}) {
                ConfigProvider.getConfig().getOptionalValue("apicurio.registry." + known, String.class)
                        .ifPresent(v -> apicurio.put("apicurio.registry." + known, v));
            }
            for (String name : ConfigProvider.getConfig().getPropertyNames()) {
                if (name.startsWith("apicurio.registry.")) {
                    apicurio.put(name, ConfigProvider.getConfig().getValue(name, String.class));
                }
            }
            return AvroFormat.registry(apicurio);
        }
        throw new IllegalArgumentException("forecaster.serialization=" + serialization + " is not single-object or registry");
    }

    @Produces
    @Singleton
    PrometheusMeterRegistry prometheus() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        return registry;
    }

    @Produces
    @Singleton
    StreamingMetrics metrics(PrometheusMeterRegistry registry) {
        return new StreamingMetrics((MeterRegistry) registry);
    }

    @Produces
    @Singleton
    Topology topology(StreamingSettings settings, Spec spec, WindowForecaster forecaster, AvroFormat format,
            StreamingMetrics metrics) {
        return ForecastTopology.build(settings, spec, forecaster, format, metrics, inferenceExecutor());
    }

    /**
     * The threads that run the forecaster, off the stream threads (daemons: a batch in flight at shutdown is
     * dropped; its windows stay in the pending store).
     */
    Executor inferenceExecutor() {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(inferenceThreads, r -> {
            Thread t = new Thread(r, "inference-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }
}
