package org.sigmavrate.service;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

import jakarta.annotation.Priority;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.jboss.logging.Logger;
import org.sigmavrate.config.ForecasterConfig;

import io.quarkus.arc.Unremovable;
import io.quarkus.kafka.streams.runtime.KafkaStreamsProducer;
import io.quarkus.kafka.streams.runtime.KafkaStreamsRuntimeConfig;
import io.quarkus.kafka.streams.runtime.KafkaStreamsSupport;
import io.quarkus.kafka.streams.runtime.KafkaStreamsTopologyManager;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * The extension's {@link KafkaStreamsProducer} (which application.properties excludes from the beans, so that this one
 * takes its place), started once the topology's source topics exist. The extension's own wait
 * ({@code quarkus.kafka-streams.topics-timeout}, set to 0) sleeps one second after every look-up, the last included,
 * so it delayed every start by a second even with the topics there; this one looks every 100 ms and starts Kafka
 * Streams at once when they exist. Kafka Streams is built as the extension builds it (the superclass: its
 * configuration, the listener and handler beans); only the start differs. {@link SourceTopicsReadiness} reports the
 * same topics.
 */
@Singleton
public class KafkaStreamsAfterTopics extends KafkaStreamsProducer {
    private static final Logger LOG = Logger.getLogger(KafkaStreamsAfterTopics.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final ExecutorService executor;
    private final SourceTopics sourceTopics;
    /** the first look-up, started when this bean is built so that it runs beside the rest of the start */
    private final KafkaFuture<Set<String>> firstLookUp;
    private volatile boolean stopping;

    @Inject
    public KafkaStreamsAfterTopics(KafkaStreamsSupport support, KafkaStreamsRuntimeConfig runtimeConfig,
            ExecutorService executor, Instance<Topology> topology, Instance<KafkaClientSupplier> clientSupplier,
            @Identifier("default-kafka-broker") Instance<Map<String, Object>> defaultConfiguration,
            Instance<KafkaStreams.StateListener> stateListener, Instance<StateRestoreListener> restoreListener,
            Instance<StreamsUncaughtExceptionHandler> uncaughtExceptionHandler, ForecasterConfig config) {
        super(support, runtimeConfig, executor, topology, clientSupplier, defaultConfiguration, stateListener,
                restoreListener, uncaughtExceptionHandler);
        this.executor = executor;
        this.sourceTopics = new SourceTopics(Admin.create(super.getStreamsConfig().getAdminConfigs("source-topics")),
                topology.get(), Duration.ofMillis(config.sourceTopics().timeoutMs()));
        this.firstLookUp = sourceTopics.lookUp();
    }

    /** Replaces the extension's start (an override is no observer unless it says so): the same, with this wait. */
    @Override
    public void onStartup(@Observes StartupEvent event, Event<KafkaStreams> kafkaStreamsEvent) {
        KafkaStreams streams = super.getKafkaStreams();
        kafkaStreamsEvent.fire(streams); // as the extension does: Micrometer's Kafka Streams binder observes it
        if (ClassDataArchiveRun.active()) {
            return; // built (its classes are archived), not started: the archive's run has no broker
        }
        executor.execute(() -> {
            try {
                if (awaitSourceTopics()) {
                    streams.start();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    /** @return false when the service stops first */
    private boolean awaitSourceTopics() throws InterruptedException {
        String reported = null;
        KafkaFuture<Set<String>> lookUp = firstLookUp;
        while (!stopping) {
            String waiting;
            try {
                Set<String> missing = sourceTopics.missing(lookUp);
                if (missing.isEmpty()) {
                    return !stopping;
                }
                waiting = "Kafka Streams starts once these topics exist: " + missing;
            } catch (ExecutionException | TimeoutException e) {
                waiting = "Kafka Streams waits: the broker's topics could not be listed: " + e.getMessage();
            }
            if (!waiting.equals(reported)) { // once per change: topics may take a while to be created
                LOG.warn(waiting);
                reported = waiting;
            }
            Thread.sleep(POLL.toMillis());
            lookUp = sourceTopics.lookUp();
        }
        return false;
    }

    /** Before the extension's stop (inherited) closes Kafka Streams: the wait ends, unstarted. */
    void stop(@Observes @Priority(1) ShutdownEvent event) {
        stopping = true;
        sourceTopics.close();
    }

    @Produces
    @Singleton
    @Unremovable
    SourceTopics sourceTopics() {
        return sourceTopics;
    }

    @Override
    @Produces
    @Singleton
    @Unremovable
    public KafkaStreams getKafkaStreams() {
        return super.getKafkaStreams();
    }

    @Override
    @Produces
    @Singleton
    @Unremovable
    public StreamsConfig getStreamsConfig() {
        return super.getStreamsConfig();
    }

    @Override
    @Produces
    @Singleton
    @Unremovable
    public KafkaStreamsTopologyManager kafkaStreamsTopologyManager() {
        return super.kafkaStreamsTopologyManager();
    }
}
