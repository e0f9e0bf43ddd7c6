package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.app.CalibrateCommand;
import org.sigmavrate.app.EvaluateCommand;
import org.sigmavrate.model.calibration.Calibration;

/** calibrate writes what evaluate reads: the probabilistic baseline and conformal rows, and the ratios' intervals. */
class CalibrateCommandTest {
    @TempDir
    Path dir;

    @Test
    void evaluateScoresTheCalibratedRowsWithIntervalsOverFlights() throws IOException {
        Path flights = LeftToRightBaselineTest.flightFile(dir);
        Path calibration = dir.resolve("calibration.json");
        CommandRun fit = CommandRun.of(new CalibrateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", calibration.toString());
        assertEquals(0, fit.exit(), fit.err());
        Calibration c = Calibration.read(calibration);
        assertEquals(TinyModel.session().modelId(), c.modelId());
        assertNotNull(c.conformal());
        assertEquals(2, ((Number) c.fittedOn().get("windows")).intValue());

        Path metrics = dir.resolve("metrics.json");
        CommandRun run = CommandRun.of(new EvaluateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", metrics.toString(), "--samples", "0", "--calibration",
                calibration.toString(), "--bootstrap", "200");
        assertEquals(0, run.exit(), run.err());
        JsonNode gap = new ObjectMapper().readTree(metrics.toFile()).path("protocols").path("gap");
        JsonNode rows = gap.path("rows");
        JsonNode probabilistic = rows.path("baseline-altitude-difference probabilistic");
        assertEquals(rows.path("baseline-altitude-difference").path("mae_fpm").asDouble(),
                probabilistic.path("mae_fpm").asDouble(), 1e-9, "the rule's point forecast");
        assertTrue(probabilistic.path("crps_fpm").asDouble() < probabilistic.path("mae_fpm").asDouble(),
                "a spread lowers the CRPS below the absolute error");
        assertTrue(rows.path("sigma-gpt density (conformal)").path("coverage_90").isNumber());
        assertTrue(rows.path("sigma-gpt altitude-consistent").path("crps_fpm").isNumber());
        boolean crpsRatio = false;
        for (JsonNode r : gap.path("ratios")) {
            double estimate = r.path("estimate").asDouble();
            assertTrue(r.path("ci95").get(0).asDouble() <= estimate && estimate <= r.path("ci95").get(1).asDouble(),
                    r.toString());
            crpsRatio |= r.path("metric").asText().equals("crps")
                    && r.path("baseline").asText().equals("baseline-altitude-difference probabilistic");
        }
        assertTrue(crpsRatio, gap.path("ratios").toString());
        assertTrue(gap.path("coverage_intervals").path("sigma-gpt density").path("coverage_50").path("ci95").isArray());
        assertTrue(run.out().contains("CRPS / baseline-altitude-difference probabilistic"), run.out());

        CommandRun plain = CommandRun.of(new EvaluateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", metrics.toString(), "--samples", "0", "--protocol", "gap");
        assertEquals(0, plain.exit(), plain.err());
        assertFalse(plain.out().contains("probabilistic"), "no calibration next to the tiny model: no such row");
    }
}
