package org.sigmavrate.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * DOWN while a source topic of the topology is missing, naming it (Kafka Streams waits for it before it starts:
 * {@link KafkaStreamsAfterTopics}); the check the extension's topics check made before
 * {@code quarkus.kafka-streams.topics-timeout=0} turned that one into a constant UP.
 */
@Readiness
@ApplicationScoped
public class SourceTopicsReadiness implements HealthCheck {
    @Inject
    SourceTopics topics;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("Kafka Streams source topics").up();
        try {
            Set<String> missing = topics.missing();
            List<String> available = new ArrayList<>(topics.all());
            available.removeAll(missing);
            b.withData("available_topics", String.join(",", available));
            if (!missing.isEmpty()) {
                b.down().withData("missing_topics", String.join(",", missing));
            }
        } catch (ExecutionException | TimeoutException e) {
            b.down().withData("technical_error", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            b.down().withData("technical_error", "interrupted");
        }
        return b.build();
    }
}
