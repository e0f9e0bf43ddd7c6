package org.sigmavrate.app;

import java.time.Duration;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.streaming.StreamingSettings;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * Owns the Kafka Streams lifecycle. Started only by {@code serve} and {@code demo} (we do not use the
 * quarkus-kafka-streams extension, which starts the topology at application start-up: every subcommand would then
 * wait for a broker). Every {@code kafka-streams.*} property of application.properties is passed to Kafka Streams.
 */
@ApplicationScoped
public class StreamsService {
    private static final Logger LOG = Logger.getLogger(StreamsService.class);
    private static final String PREFIX = "kafka-streams.";

    @Inject
    Topology topology;
    @Inject
    WindowForecaster forecaster;
    @Inject
    StreamingSettings settings;
    @Inject
    PrometheusMeterRegistry registry;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "localhost:9092")
    String bootstrapServers;

    private volatile KafkaStreams streams;
    private volatile boolean modelLoaded;
    private KafkaStreamsMetrics streamsMetrics;

    public Properties streamsConfig(String bootstrapOverride) {
        Properties p = new Properties();
        Config config = ConfigProvider.getConfig();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                config.getOptionalValue(name, String.class).ifPresent(v -> p.put(name.substring(PREFIX.length()), v));
            }
        }
        p.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "sigma-vrate-forecaster");
        p.putIfAbsent(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapOverride != null ? bootstrapOverride : bootstrapServers);
        return p;
    }

    public synchronized KafkaStreams start(String bootstrapOverride) {
        return start(bootstrapOverride, java.util.Map.of());
    }

    /** @param overrides Kafka Streams properties that win over the configuration (the demo's temp state dir) */
    public synchronized KafkaStreams start(String bootstrapOverride, java.util.Map<String, String> overrides) {
        if (streams != null) {
            return streams;
        }
        loadModel();
        Properties props = streamsConfig(bootstrapOverride);
        props.putAll(overrides);
        LOG.infof("kafka streams: %s on %s, %s, state in %s; topics in=%s out=%s,%s dlq=%s",
                props.get(StreamsConfig.APPLICATION_ID_CONFIG), props.get(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG),
                props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG), props.getOrDefault(StreamsConfig.STATE_DIR_CONFIG, "(default)"),
                settings.topics().input(), settings.topics().trajectories(), settings.topics().bands(),
                settings.topics().deadLetter());
        KafkaStreams s = new KafkaStreams(topology, props);
        s.setStateListener((now, before) -> LOG.infof("kafka streams: %s -> %s", before, now));
        s.setUncaughtExceptionHandler(e -> {
            LOG.error("stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics = new KafkaStreamsMetrics(s);
        streamsMetrics.bindTo(registry);
        s.start();
        streams = s;
        return s;
    }

    /**
     * Loads the forecaster (the σ-GPT session) now: {@code serve} and {@code demo} call it first, so a missing or
     * refused model fails at start-up, before any broker, port or topic is touched.
     */
    public synchronized void loadModel() {
        if (!modelLoaded) {
            LOG.infof("model %s loaded (spec %s)", forecaster.modelId(), forecaster.specSha256());
            modelLoaded = true;
        }
    }

    /**
     * What went wrong, for the command line: the outermost model or configuration error in the chain (CDI wraps a
     * producer's exception), else the deepest message.
     */
    public static String reason(Throwable e) {
        String message = e.toString();
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof org.sigmavrate.model.onnx.ModelLoadException || t instanceof IllegalArgumentException
                    || t instanceof IllegalStateException) {
                return t.getMessage();
            }
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return message;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public boolean modelLoaded() {
        return modelLoaded;
    }

    public synchronized void stop() {
        if (streams != null) {
            LOG.info("kafka streams: closing");
            streams.close(Duration.ofSeconds(30));
            if (streamsMetrics != null) {
                streamsMetrics.close();
            }
            streams = null;
        }
    }
}
