package org.sigmavrate.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/**
 * DOWN while the stream threads fail in a loop ({@link StreamThreadFailures}): the extension's liveness check stays UP
 * then, since each failed thread is replaced and the client stays RUNNING or REBALANCING.
 */
@Liveness
@ApplicationScoped
public class StreamThreadsLiveness implements HealthCheck {
    @Inject
    StreamThreadFailures failures;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("stream threads not failing in a loop").status(!failures.looping())
                .withData("failures_in_window", failures.inWindow()).withData("limit", failures.limit())
                .withData("window_seconds", failures.window().toSeconds()).withData("failures_total", failures.total())
                .build();
    }
}
