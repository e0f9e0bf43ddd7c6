package org.sigmavrate.service;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.kafka.streams.KafkaStreams;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only while Kafka Streams is RUNNING and restores no state store: the source-topics check asks for the
 * topics alone and the extension's state check (liveness) passes while rebalancing, when /forecasts answers 503 and
 * no task is assigned yet; a task restoring its stores from the changelogs neither forecasts nor answers for its
 * aircraft.
 */
@Readiness
@ApplicationScoped
public class StreamsRunningReadiness implements HealthCheck {
    @Inject
    KafkaStreams streams;

    @Inject
    StateRestorations restorations;

    @Override
    public HealthCheckResponse call() {
        return check(streams.state(), restorations.active());
    }

    static HealthCheckResponse check(KafkaStreams.State state, Map<String, Long> restoring) {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("Kafka Streams running")
                .status(state == KafkaStreams.State.RUNNING && restoring.isEmpty()).withData("state", state.name())
                .withData("restoring_stores", restoring.size());
        restoring.forEach((store, left) -> b.withData("restoring " + store, left));
        return b.build();
    }
}
