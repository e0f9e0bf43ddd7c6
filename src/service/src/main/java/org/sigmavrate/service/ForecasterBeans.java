package org.sigmavrate.service;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import jakarta.interceptor.Interceptor;

import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;
import org.sigmavrate.batching.InferencePool;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;
import org.sigmavrate.config.ForecasterFactory;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.onnx.InferenceMetrics;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.StreamingMetrics;
import org.sigmavrate.streaming.StreamingSettings;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * The service's beans. quarkus-kafka-streams builds and starts Kafka Streams from the {@link Topology} produced here
 * at start-up; the forecaster {@code forecaster.model} names loads once the client is built, while it joins its group:
 * a missing or refused model stops the service with a message that names the setting to change.
 */
public class ForecasterBeans {
    private static final Logger LOG = Logger.getLogger(ForecasterBeans.class);

    @Produces
    @Singleton
    Spec spec() {
        return SpecLoader.bundled();
    }

    @Produces
    @Singleton
    StreamingSettings settings(ForecasterConfig config, Spec spec) {
        return ConfiguredSettings.streaming(config, spec);
    }

    /**
     * The forecaster {@code forecaster.model} names, loaded on its own thread while Kafka Streams joins its group
     * ({@link LoadingForecaster}, begun by {@link #beginLoading}); readiness is DOWN until it is loaded
     * ({@link ModelReadiness}). A model that cannot be loaded stops the service with exit code 1, its message naming
     * the setting to change, as a failure at start-up did when the load was part of it.
     */
    @Produces
    @Singleton
    LoadingForecaster forecaster(ForecasterConfig config, MeterRegistry registry) {
        return LoadingForecaster.of(() -> ForecasterFactory.open(config), "model-loader")
                .whenLoaded(f -> registerModelMeters(f, config, registry), failure -> {
                    LOG.errorf(failure, "the model could not be loaded; the service stops: %s", failure.getMessage());
                    Quarkus.asyncExit(1);
                });
    }

    /**
     * Begins the model's load after Kafka Streams' start-up observer ({@link KafkaStreamsAfterTopics#onStartup}, at
     * the default priority) has built the client and handed its start to another thread: building it is CPU work on
     * the start-up's critical path, which a load beside it slowed by half a second on 2 cores, whereas the group join
     * that follows mostly waits on the broker.
     */
    void beginLoading(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent event,
            LoadingForecaster forecaster) {
        forecaster.begin();
    }

    private static void registerModelMeters(WindowForecaster f, ForecasterConfig config, MeterRegistry registry) {
        boolean calibrated = f instanceof SigmaGptForecaster s && s.calibratedBands() != null;
        boolean consistent = f instanceof SigmaGptForecaster s && s.settings().altitudeConsistency().enabled();
        Gauge.builder("sigmavrate.model.info", () -> 1).description("the forecaster in use")
                .tag("model_id", f.modelId()).tag("spec_sha256", f.specSha256())
                .tag("setting", ForecasterFactory.label(config.model())).tag("bands", calibrated ? "calibrated" : "raw")
                .tag("altitude_consistency", consistent ? "on" : "off").register(registry);
        if (f instanceof SigmaGptForecaster s) {
            InferenceMetrics im = s.session().metrics();
            Gauge.builder("sigmavrate.model.on.gpu", im, InferenceMetrics::onGpu)
                    .description("1 when the model runs on CUDA").tag("provider", im.executionProvider())
                    .register(registry);
            FunctionCounter.builder("sigmavrate.model.forward.calls", im, InferenceMetrics::forwardCalls)
                    .description("ONNX forward calls (densities and sampler steps)").register(registry);
            FunctionCounter.builder("sigmavrate.model.sequences", im, InferenceMetrics::sequences)
                    .description("sequences run through the model").register(registry);
            FunctionCounter.builder("sigmavrate.model.seconds", im, InferenceMetrics::seconds)
                    .description("time spent in ONNX Runtime").register(registry);
        }
    }

    /**
     * Closes the model once no batch runs on it: the ONNX session's native memory goes with it, and a batch still in
     * flight on an inference thread would crash the JVM (Kafka Streams is closed first, at shutdown, by the extension).
     */
    void close(@Disposes LoadingForecaster forecaster, @Identifier("inference") ExecutorService inference)
            throws InterruptedException {
        stopInference(inference);
        forecaster.close();
    }

    /**
     * The wire format: single-object, or the registry's serdes configured by every {@code apicurio.registry.*} key
     * (those set as environment variables, APICURIO_REGISTRY_URL, are only found by asking for them by name).
     */
    @Produces
    @Singleton
    AvroFormat format(ForecasterConfig forecaster, Config config) {
        AvroFormat wire = wireFormat(forecaster, config);
        return forecaster.output().format() == ForecasterConfig.Output.Format.JSON ? wire.withJsonOutputs() : wire;
    }

    private static AvroFormat wireFormat(ForecasterConfig forecaster, Config config) {
        if (forecaster.serialization() == ForecasterConfig.Serialization.SINGLE_OBJECT) {
            return AvroFormat.singleObject();
        }
        Map<String, Object> apicurio = new HashMap<>();
        for (String known : new String[] {"url", "auto-register", "use-id", "id-handler", "artifact-resolver-strategy",
                "auth.username", "auth.password"}) {
            config.getOptionalValue("apicurio.registry." + known, String.class)
                    .ifPresent(v -> apicurio.put("apicurio.registry." + known, v));
        }
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("apicurio.registry.")) {
                config.getOptionalValue(name, String.class).ifPresent(v -> apicurio.put(name, v));
            }
        }
        return AvroFormat.registry(apicurio);
    }

    /** The project's meters, on the Quarkus registry that /q/metrics scrapes. */
    @Produces
    @Singleton
    StreamingMetrics metrics(MeterRegistry registry) {
        return new StreamingMetrics(registry);
    }

    /**
     * The threads that run the forecaster, off the stream threads (daemons: a batch in flight at shutdown is dropped;
     * its windows stay in the pending store). An {@link InferencePool}: a call the watchdog abandons
     * ({@code forecaster.batch.timeout-ms}) gets its worker replaced while it stays stuck, so one hung call cannot
     * block every later one; {@code sigmavrate_inference_stuck_threads} shows how many are stuck.
     */
    @Produces
    @Singleton
    @Identifier("inference")
    ExecutorService inference(ForecasterConfig config, MeterRegistry registry) {
        InferencePool pool = new InferencePool(config.inferenceThreads(), "inference");
        Gauge.builder("sigmavrate.inference.stuck.threads", pool, InferencePool::stuckWorkers)
                .description("inference threads stuck in a call the watchdog abandoned").register(registry);
        return pool;
    }

    void stop(@Disposes @Identifier("inference") ExecutorService inference) throws InterruptedException {
        stopInference(inference);
    }

    /** No new batch starts; the one in flight (a time budget long at most) is waited for. */
    private static void stopInference(ExecutorService inference) throws InterruptedException {
        inference.shutdown();
        if (!inference.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("an inference batch still runs after 30 s; closing the model anyway");
        }
    }

    @Produces
    @Singleton
    Topology topology(ForecasterConfig config, StreamingSettings settings, Spec spec, LoadingForecaster forecaster,
            AvroFormat format, StreamingMetrics metrics, @Identifier("inference") ExecutorService inference) {
        StreamingSettings.Topics t = settings.topics();
        LOG.infof("topology: %s in, %s and %s out, dead letters to %s, failed forecasts to %s; forecaster.model=%s "
                + "(loading), spec %s", t.input(), t.trajectories(), t.bands(), t.deadLetter(), t.forecastFailures(),
                ForecasterFactory.label(config.model()), spec.sha256());
        return ForecastTopology.build(settings, spec, forecaster, format, metrics, inference);
    }

    /**
     * Kafka Streams' uncaught-exception handler (the extension sets the {@link StreamsUncaughtExceptionHandler} bean): a
     * failed stream thread is replaced, and failures in a loop turn liveness DOWN ({@link StreamThreadsLiveness}).
     */
    @Produces
    @Singleton
    StreamThreadFailures uncaughtExceptions(ForecasterConfig config, MeterRegistry registry) {
        StreamThreadFailures failures = new StreamThreadFailures(config.health().threadFailures(),
                Duration.ofSeconds(config.health().threadFailureWindowSeconds()), System::nanoTime);
        FunctionCounter.builder("sigmavrate.stream.thread.failures", failures, StreamThreadFailures::total)
                .description("stream threads failed (and replaced)").register(registry);
        return failures;
    }

    /** Restorations in progress, for readiness (the extension sets the {@link StateRestoreListener} bean). */
    @Produces
    @Singleton
    StateRestorations restorations() {
        return new StateRestorations();
    }

    /** The /forecasts queries' own threads. */
    @Produces
    @Singleton
    ForecastQueries queries(ForecasterConfig config) {
        ForecasterConfig.Query q = config.query();
        return new ForecastQueries(q.threads(), q.maxQueued(), Duration.ofMillis(q.timeoutMs()));
    }

    void close(@Disposes ForecastQueries queries) {
        queries.close();
    }
}
