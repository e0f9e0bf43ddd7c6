package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.model.onnx.ModelLoadException;

/** The readiness check through a model's load: DOWN while it loads, UP with its id once loaded, DOWN if it failed. */
class ModelReadinessTest {
    @Test
    void downWhileLoadingThenUpWithTheModel() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch loaded = new CountDownLatch(1);
        WindowForecaster model = new AltitudeDifferenceForecaster();
        ModelReadiness readiness = readiness(LoadingForecaster.start(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return model;
        }, "test-loader").whenLoaded(f -> loaded.countDown(), e -> {
        }));

        HealthCheckResponse loading = readiness.call();
        assertEquals(HealthCheckResponse.Status.DOWN, loading.getStatus());
        assertEquals("sigma-gpt", loading.getData().orElseThrow().get("loading"), "the setting being loaded");

        release.countDown();
        assertTrue(loaded.await(10, TimeUnit.SECONDS));
        HealthCheckResponse up = readiness.call();
        assertEquals(HealthCheckResponse.Status.UP, up.getStatus());
        assertEquals(model.modelId(), up.getData().orElseThrow().get("model"));
        assertEquals(model.specSha256(), up.getData().orElseThrow().get("spec_sha256"));
    }

    @Test
    void downWithTheErrorWhenTheLoadFailed() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        ModelReadiness readiness = readiness(LoadingForecaster.start(() -> {
            throw new ModelLoadException("model models/none does not exist");
        }, "test-loader").whenLoaded(f -> {
        }, e -> failed.countDown()));
        assertTrue(failed.await(10, TimeUnit.SECONDS));

        HealthCheckResponse down = readiness.call();
        assertEquals(HealthCheckResponse.Status.DOWN, down.getStatus());
        assertEquals("model models/none does not exist", down.getData().orElseThrow().get("error"));
    }

    private static ModelReadiness readiness(LoadingForecaster forecaster) {
        ModelReadiness readiness = new ModelReadiness();
        readiness.forecaster = forecaster;
        readiness.config = ConfigDefaults.forecaster();
        return readiness;
    }
}
