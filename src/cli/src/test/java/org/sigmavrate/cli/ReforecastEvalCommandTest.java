package org.sigmavrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** One real flight replayed under the cadence and two re-forecast policies with the shipped σ-GPT, end to end. */
@QuarkusMainTest
class ReforecastEvalCommandTest {
    private static final String FLIGHT = "data/flights/traffic/fr24/2ce4f83f.json";

    @TempDir
    Path dir;

    @Test
    void aRealFlightIsReplayedUnderEachPolicyAndTheCostWritten(QuarkusMainLauncher launcher) throws Exception {
        Path out = dir.resolve("reforecast.json");
        LaunchResult result = launcher.launch("reforecast-eval", "--input", FLIGHT, "--band", "50,90", "--max-age",
                "60", "--bootstrap", "100", "--out", out.toString());
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getOutput().contains("changes band 50% max-age 60s"), result.getOutput());
        assertTrue(result.getOutput().contains("changes band 90% max-age 60s"), result.getOutput());
        assertTrue(result.getErrorOutput().contains("reforecast-eval: 1/1 flights"), "progress on stderr");
        JsonNode json = new ObjectMapper().readTree(out.toFile());
        assertEquals(1, json.path("flights").asInt());
        long cadence = json.path("cadence_triggers").asLong();
        assertTrue(json.path("cadence_points_scored").asLong() > 100, json.toString());
        assertEquals(2, json.path("policies").size());
        for (JsonNode p : json.path("policies")) {
            long triggers = p.path("triggers").asLong();
            long byReason = 0;
            for (JsonNode n : p.path("triggers_by_reason")) {
                byReason += n.asLong();
            }
            assertEquals(triggers, byReason, p.toString());
            assertTrue(triggers > 0 && triggers < cadence, p.toString());
            double skip = p.path("skip_share").asDouble();
            assertEquals(p.path("confirmed").asLong() / (double) cadence, skip, 1e-12);
            assertTrue(skip > 0.2, p.toString());
            assertEquals(p.path("cadence").path("hidden_steps").asLong(),
                    p.path("changes").path("hidden_steps").asLong());
            JsonNode mae = p.path("mae_cost");
            assertTrue(mae.path("low95").asDouble() <= mae.path("estimate").asDouble()
                    && mae.path("estimate").asDouble() <= mae.path("high95").asDouble(), mae.toString());
            double coverage = p.path("changes").path("coverage_90").asDouble();
            assertTrue(coverage > 0.5 && coverage <= 1, p.toString());
        }
    }

    @Test
    void aBandTheForecasterDoesNotPublishIsRefused(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("reforecast-eval", "--input", FLIGHT, "--band", "80");
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("80% re-forecast band"),
                result.getErrorOutput());
    }
}
