package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;

/**
 * The model loads beside Kafka Streams' start ({@link LoadingForecaster}), no longer inside the start-up: a model that
 * cannot be loaded must still stop the service, with exit code 1 and a message that names the setting to change.
 */
@QuarkusMainTest
@TestProfile(ModelLoadFailureTest.NoSuchModel.class)
class ModelLoadFailureTest {
    public static class NoSuchModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // no broker either: the service stops on the model before it would need one
            return Map.of("forecaster.model-dir", "target/no-such-model", "kafka.bootstrap.servers", "localhost:1",
                    "forecaster.source-topics.timeout-ms", "500", "quarkus.http.test-port", "0");
        }
    }

    @Test
    @Launch(value = {}, exitCode = 1)
    void aModelThatCannotBeLoadedStopsTheService(LaunchResult result) {
        String output = result.getOutput() + result.getErrorOutput();
        assertTrue(output.contains("the model could not be loaded; the service stops"), output);
        assertTrue(output.contains("forecaster.model-dir"), "names the setting: " + output);
    }
}
