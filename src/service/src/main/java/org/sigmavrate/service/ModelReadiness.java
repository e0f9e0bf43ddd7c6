package org.sigmavrate.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.sigmavrate.config.ForecasterConfig;
import org.sigmavrate.config.ForecasterFactory;

/**
 * Ready once the forecaster is loaded (it loads while Kafka Streams joins its group: {@link LoadingForecaster}), next
 * to the Kafka Streams extension's checks; the data say which model answers, or what failed (the service is stopping
 * then).
 */
@Readiness
@ApplicationScoped
public class ModelReadiness implements HealthCheck {
    @Inject
    LoadingForecaster forecaster;
    @Inject
    ForecasterConfig config;

    @Override
    public HealthCheckResponse call() {
        LoadingForecaster.State state = forecaster.state();
        if (state instanceof LoadingForecaster.State.Loaded loaded) {
            return HealthCheckResponse.named("model").up().withData("model", loaded.forecaster().modelId())
                    .withData("spec_sha256", loaded.forecaster().specSha256()).build();
        }
        if (state instanceof LoadingForecaster.State.Failed failed) {
            return HealthCheckResponse.named("model").down()
                    .withData("error", String.valueOf(failed.failure().getMessage())).build();
        }
        return HealthCheckResponse.named("model").down().withData("loading", ForecasterFactory.label(config.model()))
                .build();
    }
}
