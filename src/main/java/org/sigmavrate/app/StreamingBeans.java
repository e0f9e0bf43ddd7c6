package org.sigmavrate.app;

import java.util.HashMap;
import java.util.Map;

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
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.baseline.LinearInterpolationForecaster;
import org.sigmavrate.model.baseline.PersistenceForecaster;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.StreamingMetrics;
import org.sigmavrate.streaming.StreamingSettings;
import org.sigmavrate.streaming.TrackRules;

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

    @ConfigProperty(name = "forecaster.model", defaultValue = "baseline-altitude-difference")
    String model;

    @ConfigProperty(name = "forecaster.model-dir", defaultValue = "models/sigma-gpt")
    String modelDir;

    @ConfigProperty(name = "forecaster.execution-provider", defaultValue = "cpu")
    String executionProvider;

    @ConfigProperty(name = "forecaster.intra-op-threads", defaultValue = "1")
    int intraOpThreads;

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

    @ConfigProperty(name = "forecaster.serialization", defaultValue = "single-object")
    String serialization;

    @Produces
    @ApplicationScoped
    WindowForecaster forecaster() {
        WindowForecaster f = switch (model) {
            case "sigma-gpt" -> sigmaGpt();
            case "baseline-altitude-difference" -> new AltitudeDifferenceForecaster();
            case "baseline-linear-interpolation" -> new LinearInterpolationForecaster();
            case "baseline-persistence" -> new PersistenceForecaster();
            default -> throw new IllegalArgumentException("forecaster.model=" + model + " is not one of sigma-gpt, "
                    + "baseline-altitude-difference, baseline-linear-interpolation, baseline-persistence");
        };
        LOG.infof("forecaster: %s (forecaster.model=%s)", f.modelId(), model);
        return f;
    }

    /**
     * === σ-GPT PLUG-IN POINT ===
     * Build the ONNX σ-GPT forecaster of org.sigmavrate.model here from {@code modelDir} (model.onnx, spec.json,
     * model card), {@code executionProvider} (cpu | cuda | auto: try CUDA, fall back to CPU) and
     * {@code intraOpThreads}. It must implement {@link WindowForecaster} (batched, deterministic for the seeds in
     * each window) and refuse a model whose spec hash differs from {@link SpecLoader#bundled()}.
     */
    WindowForecaster sigmaGpt() {
        throw new IllegalStateException("forecaster.model=sigma-gpt (model dir " + modelDir + ", provider "
                + executionProvider + ", " + intraOpThreads + " intra-op threads) is not integrated yet; "
                + "use forecaster.model=baseline-altitude-difference");
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
                rules, Math.round(maxFutureSeconds * 1000), batchEveryMs, maxBatchWindows);
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
        return ForecastTopology.build(settings, spec, forecaster, format, metrics);
    }
}
