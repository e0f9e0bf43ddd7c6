package org.sigmavrate.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.sigmavrate.domain.forecast.WindowForecaster;

/**
 * Ready once the forecaster is loaded (at start-up: a missing model stops the service before this is asked), next to
 * the Kafka Streams extension's checks; the data say which model answers.
 */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {
    @Inject
    WindowForecaster forecaster;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("model").up().withData("model", forecaster.modelId())
                .withData("spec_sha256", forecaster.specSha256()).build();
    }
}
