package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.cli.CalibrateCommand;
import org.sigmavrate.cli.EvaluateCommand;
import org.sigmavrate.cli.InfillCommand;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.calibration.ConformalBands;
import org.sigmavrate.model.calibration.ObservationBuckets;

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
        JsonNode root = new ObjectMapper().readTree(metrics.toFile());
        JsonNode gap = root.path("protocols").path("gap");
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
        JsonNode conformal = rows.path("sigma-gpt density (conformal)");
        assertTrue(conformal.path("coverage_50_randomized").isNumber() && conformal.path("coverage_90_randomized").isNumber());
        assertTrue(gap.path("coverage_intervals").path("sigma-gpt density").path("coverage_90_randomized").path("ci95").isArray());
        assertTrue(rows.path("baseline-altitude-difference").path("coverage_50_randomized").isNull(), "a point has no bands");
        assertEquals("randomized", root.path("calibration").path("conformity_score").asText());
    }

    /**
     * With --altitude-consistency, calibrate fits around the shifted quantiles and records the setting; evaluate keeps
     * the raw density row, scores the conformal row as published and compares the altitude-consistent row with the
     * best point baseline, the probabilistic baseline and the density row; a file fitted otherwise is warned about.
     */
    @Test
    void altitudeConsistencyIsFittedScoredAndWarnedAboutAsPublished() throws IOException {
        Path flights = LeftToRightBaselineTest.flightFile(dir);
        Path consistent = dir.resolve("consistent.json");
        CommandRun fit = CommandRun.of(new CalibrateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", consistent.toString(), "--altitude-consistency");
        assertEquals(0, fit.exit(), fit.err());
        assertTrue(fit.err().contains("altitude consistency " + configured().withEnabled(true).describe()),
                fit.err());
        assertEquals(configured().withEnabled(true), Calibration.read(consistent).consistency());
        Path raw = dir.resolve("raw.json");
        assertEquals(0, CommandRun.of(new CalibrateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", raw.toString(), "--altitude-consistency=false").exit());
        assertFalse(Calibration.read(raw).consistency().enabled());

        Path metrics = dir.resolve("metrics.json");
        CommandRun run = CommandRun.of(new EvaluateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", metrics.toString(), "--samples", "0", "--calibration",
                consistent.toString(), "--bootstrap", "100", "--protocol", "gap", "--altitude-consistency");
        assertEquals(0, run.exit(), run.err());
        assertFalse(run.err().contains("warning: the band corrections were fitted"), run.err());
        JsonNode root = new ObjectMapper().readTree(metrics.toFile());
        assertTrue(root.path("altitude_consistency").path("enabled").asBoolean());
        assertEquals("variance", root.path("altitude_consistent_share").asText());
        JsonNode gap = root.path("protocols").path("gap");
        JsonNode rows = gap.path("rows");
        assertTrue(rows.path("sigma-gpt density").path("nll_per_hidden_step").isNumber(), "the raw density row");
        assertTrue(rows.path("sigma-gpt density (conformal)").path("coverage_90").isNumber());
        assertNotEquals(rows.path("sigma-gpt density").path("mae_fpm").asDouble(),
                rows.path("sigma-gpt density (conformal)").path("mae_fpm").asDouble(),
                "the conformal row is the published, shifted median");
        assertEquals(rows.path("sigma-gpt altitude-consistent").path("mae_fpm").asDouble(),
                rows.path("sigma-gpt density (conformal)").path("mae_fpm").asDouble(), 1e-9,
                "published median = the altitude-consistent row's");
        String best = null;
        for (String b : List.of("baseline-linear", "baseline-altitude-difference", "baseline-persistence")) {
            if (best == null || rows.path(b).path("mae_fpm").asDouble() < rows.path(best).path("mae_fpm").asDouble()) {
                best = b;
            }
        }
        List<String> ratios = new java.util.ArrayList<>();
        for (JsonNode r : gap.path("ratios")) {
            if (r.path("row").asText().equals("sigma-gpt altitude-consistent")) {
                ratios.add(r.path("metric").asText() + " / " + r.path("baseline").asText());
            }
        }
        assertEquals(List.of("mae / " + best, "crps / baseline-altitude-difference probabilistic",
                "mae / sigma-gpt density", "crps / sigma-gpt density"), ratios);
        assertTrue(run.out().contains("sigma-gpt altitude-consistent") && run.out().contains("CRPS / sigma-gpt density"),
                run.out());

        CommandRun mismatched = CommandRun.of(new EvaluateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", metrics.toString(), "--samples", "0", "--calibration",
                raw.toString(), "--bootstrap", "20", "--protocol", "gap", "--altitude-consistency");
        assertEquals(0, mismatched.exit(), mismatched.err());
        assertTrue(mismatched.err().contains("warning: the band corrections were fitted with altitude consistency off, "
                + "this forecaster publishes with it on"), mismatched.err());

        Path out = dir.resolve("consistent.jsonl");
        CommandRun infill = CommandRun.of(new InfillCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", out.toString(), "--samples", "0", "--calibration",
                raw.toString(), "--altitude-consistency");
        assertEquals(0, infill.exit(), infill.err());
        assertTrue(infill.err().contains("infill: altitude consistency on") && infill.err().contains("warning: the band "
                + "corrections were fitted with altitude consistency off"), infill.err());
        assertTrue(new ObjectMapper().readTree(Files.readAllLines(out).get(0)).path("altitude_consistent").asBoolean());
    }

    /** infill publishes the calibrated bands as the service does, and the raw ones with --no-calibration. */
    @Test
    void infillPublishesTheCalibratedBandsUnlessTurnedOff() throws IOException {
        Path flights = LeftToRightBaselineTest.flightFile(dir);
        Path calibration = dir.resolve("calibration.json");
        assertEquals(0, CommandRun.of(new CalibrateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", calibration.toString()).exit());
        ConformalBands fit = Calibration.read(calibration).conformal();
        CalibratedBands bands = new CalibratedBands(fit, ConfiguredSettings.levels(ConfigDefaults.forecaster()));

        // every third report only: steps to infill
        List<String> lines = Files.readAllLines(flights);
        StringBuilder sparse = new StringBuilder(lines.get(0)).append('\n');
        for (int k = 1; k < lines.size(); k += 3) {
            sparse.append(lines.get(k)).append('\n');
        }
        flights = Files.writeString(dir.resolve("sparse.csv"), sparse);
        Path raw = dir.resolve("raw.jsonl");
        CommandRun off = CommandRun.of(new InfillCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", raw.toString(), "--samples", "0", "--no-calibration");
        assertEquals(0, off.exit(), off.err());
        assertTrue(off.err().contains("raw model quantiles"), off.err());
        Path calibrated = dir.resolve("calibrated.jsonl");
        CommandRun on = CommandRun.of(new InfillCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--out", calibrated.toString(), "--samples", "0", "--calibration",
                calibration.toString());
        assertEquals(0, on.exit(), on.err());
        assertTrue(on.err().contains("calibrated bands from " + calibration), on.err());

        ObjectMapper json = new ObjectMapper();
        List<String> a = Files.readAllLines(raw);
        List<String> b = Files.readAllLines(calibrated);
        assertEquals(a.size(), b.size());
        int hidden = 0;
        for (int w = 0; w < a.size(); w++) {
            JsonNode x = json.readTree(a.get(w));
            JsonNode y = json.readTree(b.get(w));
            assertFalse(x.path("calibrated_bands").asBoolean());
            assertTrue(y.path("calibrated_bands").asBoolean());
            JsonNode rx = x.path("vertical_rate");
            JsonNode ry = y.path("vertical_rate");
            int steps = rx.path("observed").size();
            boolean[] observed = new boolean[steps];
            for (int s = 0; s < steps; s++) {
                observed[s] = rx.path("observed").get(s).asBoolean() || x.path("altitude").path("observed").get(s).asBoolean();
            }
            int[] buckets = ObservationBuckets.of(observed);
            for (int s = 0; s < steps; s++) {
                double[] q = json.convertValue(rx.path("quantiles").get(s), double[].class);
                double[] expected = bands.correct(buckets[s], q);
                assertArrayEquals(expected, json.convertValue(ry.path("quantiles").get(s), double[].class), 1e-9);
                assertEquals(x.path("altitude").path("quantiles").get(s), y.path("altitude").path("quantiles").get(s));
                hidden += buckets[s] >= 0 ? 1 : 0;
            }
        }
        assertTrue(hidden > 0, "hidden steps were corrected");
    }

    /** The altitude-consistency setting the commands default to. */
    private static AltitudeConsistency configured() {
        return ConfiguredSettings.altitudeConsistency(ConfigDefaults.forecaster().altitudeConsistency());
    }
}
