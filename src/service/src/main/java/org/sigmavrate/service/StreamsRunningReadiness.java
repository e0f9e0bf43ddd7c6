package org.sigmavrate.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while Kafka Streams is RUNNING: the extension's readiness check asks for the topics alone and its state
 * check (liveness) passes while rebalancing, when /forecasts answers 503 and no task is assigned yet.
 */
@Readiness
@ApplicationScoped
public class StreamsRunningReadiness implements HealthCheck {
    @Inject
    KafkaStreams streams;

    @Override
    public HealthCheckResponse call() {
        KafkaStreams.State state = streams.state();
        return HealthCheckResponse.named("Kafka Streams running").status(state == KafkaStreams.State.RUNNING)
                .withData("state", state.name()).build();
    }
}
