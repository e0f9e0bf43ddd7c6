package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.cli.EvaluateCommand;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.token.Tokenizer;
import org.sigmavrate.model.density.CategoricalDensity;
import org.sigmavrate.model.onnx.Logits;
import org.sigmavrate.model.onnx.ModelDirectories;
import org.sigmavrate.model.onnx.ModelLoadException;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.sampling.LeftToRightSampler;
import org.sigmavrate.model.sampling.SampleTask;
import org.sigmavrate.model.sequence.Sequences;

/**
 * The left-to-right baseline model's sampling and evaluate rows. The tiny test model (a σ-GPT trained on random
 * orders) stands in for the left-to-right model here: it is a real exported model with the same interface, used only
 * to exercise the code path; what is tested does not depend on the order it was trained on.
 */
class LeftToRightBaselineTest {
    private final SigmaGptSession session = TinyModel.session();
    private final Tokenizer tok = session.spec().tokenizer();
    private final LeftToRightSampler sampler = new LeftToRightSampler(session, 64);

    @TempDir
    Path dir;

    @Test
    void observedTokensAreForcedEveryUnknownIsSampledAndTheSeedDecides() {
        ObservedWindow w = DensityAndSamplingTest.window(42);
        SampleTask task = sampler.task(w, 3, 7);
        LeftToRightSampler.Result a = sampler.sample(List.of(task), true).get(0);
        LeftToRightSampler.Result b = sampler.sample(List.of(task), true).get(0);
        assertArrayEquals(a.samples().tokens(), b.samples().tokens(), "same task and seed, same samples");
        for (int pos = 0; pos < 128; pos++) {
            if (a.mixture()[pos] != null) {
                assertArrayEquals(a.mixture()[pos].probabilities(), b.mixture()[pos].probabilities());
            }
        }
        int unknown = 0;
        for (long[] path : a.samples().tokens()) {
            for (int s = 0; s < w.steps(); s++) {
                for (Channel c : Channel.values()) {
                    int pos = s * 2 + c.ordinal();
                    if (w.observed(s, c)) {
                        assertEquals(tok.encode(c, w.value(s, c)), path[pos], "observed token forced at " + pos);
                        assertNull(a.mixture()[pos], "no density at an observed position");
                    } else {
                        unknown++;
                        assertTrue(path[pos] >= tok.firstToken(c) && path[pos] < tok.firstToken(c) + tok.scale(c).size(),
                                "sampled token of the position's channel at " + pos);
                        assertNotNull(a.mixture()[pos]);
                    }
                }
            }
        }
        assertEquals(3 * task.unknown().length, unknown);
        assertEquals(task.unknown().length, a.samples().pathCalls()[0], "one forward evaluation per sampled position");
        LeftToRightSampler.Result other = sampler.sample(List.of(sampler.task(w, 3, 8)), false).get(0);
        assertFalse(Arrays.deepEquals(a.samples().tokens(), other.samples().tokens()), "another seed, other samples");
        assertNull(other.mixture());
    }

    @Test
    void samplesNeverLookAhead() {
        ObservedWindow w = DensityAndSamplingTest.window(42);
        LeftToRightSampler.Result base = sampler.sample(List.of(sampler.task(w, 3, 11)), true).get(0);
        // observed steps of window(): 0, 9, 18, ..., 63; change the rate and altitude of one later observed step
        for (int changed : new int[] {18, 45, 63}) {
            assertTrue(w.observed(changed, Channel.VERTICAL_RATE));
            ObservedWindow v = withObserved(w, changed, -2048, 31000);
            LeftToRightSampler.Result r = sampler.sample(List.of(sampler.task(v, 3, 11)), true).get(0);
            int firstChanged = changed * 2;
            for (int p = 0; p < 3; p++) {
                long[] x = base.samples().tokens()[p];
                long[] y = r.samples().tokens()[p];
                for (int pos = 0; pos < firstChanged; pos++) {
                    assertEquals(x[pos], y[pos], "path " + p + ", position " + pos + " before the change at step " + changed);
                }
                assertEquals(tok.encode(Channel.VERTICAL_RATE, -2048), y[firstChanged]);
            }
            for (int pos = 0; pos < firstChanged; pos++) {
                if (base.mixture()[pos] != null) {
                    assertArrayEquals(base.mixture()[pos].probabilities(), r.mixture()[pos].probabilities());
                }
            }
        }
    }

    @Test
    void forecastDensityIsTheExactConditionalAtTheFirstHiddenStepAndTheMixtureAfter() {
        ObservedWindow w = forecastWindow();
        int k = 4;
        LeftToRightSampler.Result r = sampler.sample(List.of(sampler.task(w, k, 5)), true).get(0);
        Sequences seqs = new Sequences(session.spec());
        long[] order = new long[128];
        for (int i = 0; i < 128; i++) {
            order[i] = i;
        }
        // position 96 (step 48, rate): every path has the same observed prefix 0..95, one conditional
        long[] observedTokens = r.samples().tokens()[0].clone();
        Logits logits = session.forward(List.of(seqs.causal(order, observedTokens, 97)));
        double[] exact = logits.blockProbabilities(0, 96, tok.firstToken(Channel.VERTICAL_RATE),
                tok.scale(Channel.VERTICAL_RATE).size());
        assertClose(exact, r.at(48, Channel.VERTICAL_RATE).probabilities(), 1e-6);
        // position 100 (step 50, rate): the mean over the K paths of p(x_100 | path's tokens 0..99)
        List<org.sigmavrate.model.onnx.ModelSequence> batch = new ArrayList<>();
        for (long[] path : r.samples().tokens()) {
            batch.add(seqs.causal(order, path, 101));
        }
        Logits each = session.forward(batch);
        double[] mix = new double[tok.scale(Channel.VERTICAL_RATE).size()];
        for (int p = 0; p < k; p++) {
            double[] q = each.blockProbabilities(p, 100, tok.firstToken(Channel.VERTICAL_RATE), mix.length);
            for (int j = 0; j < mix.length; j++) {
                mix[j] += q[j] / k;
            }
        }
        assertClose(mix, r.at(50, Channel.VERTICAL_RATE).probabilities(), 1e-6);
    }

    @Test
    void defaultModelIsTheSigmaGptWhenALeftToRightModelSitsNextToIt() throws IOException {
        Path root = dir.resolve("models");
        Path l2r = fakeModel(root.resolve("a-l2r-baseline"), "l2r");
        Path sigma = fakeModel(root.resolve("b-sigma-gpt"), "random");
        assertEquals(sigma, ModelDirectories.resolve(null, root));
        assertEquals(sigma, ModelDirectories.resolve(root));
        assertEquals(List.of(l2r), ModelDirectories.leftToRightModels(root));
        assertEquals("l2r", ModelDirectories.trainingOrder(l2r).orElseThrow());
        assertFalse(ModelDirectories.isLeftToRight(TinyModel.directory()));
        assertEquals(l2r, ModelDirectories.resolveLeftToRight(root));
        fakeModel(root.resolve("c-another-sigma-gpt"), "curriculum");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectories.resolve(null, root));
        assertTrue(e.getMessage().contains("several models"), e.getMessage());
    }

    @Test
    void aDefaultModelFileNamesTheDefaultAndTheBaselineIsStillFoundBesideTheFolder() throws IOException {
        Path root = dir.resolve("marked");
        Path l2r = fakeModel(root.resolve("a-l2r-baseline"), "l2r");
        fakeModel(root.resolve("b-sigma-gpt"), "random");
        Path variant = fakeModel(root.resolve("variants").resolve("b-sigma-gpt-int8"), "random");
        Files.writeString(root.resolve(ModelDirectories.DEFAULT_MODEL_FILE), "# the default σ-GPT\nvariants/b-sigma-gpt-int8\n");
        assertEquals(variant, ModelDirectories.resolve(null, root));
        assertEquals(variant, ModelDirectories.resolve(root));
        assertEquals(l2r, ModelDirectories.resolveLeftToRight(ModelDirectories.searchRoot(root)));
        Files.writeString(root.resolve(ModelDirectories.DEFAULT_MODEL_FILE), "variants/gone\n");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectories.resolve(null, root));
        assertTrue(e.getMessage().contains(ModelDirectories.DEFAULT_MODEL_FILE) && e.getMessage().contains("variants/gone"),
                e.getMessage());
    }

    @Test
    void evaluateShowsTheLeftToRightRowsForForecastAndSparse10() throws IOException {
        Path flights = flightFile();
        Path metrics = dir.resolve("metrics.json");
        CommandRun run = CommandRun.of(new EvaluateCommand(), "--input", flights.toString(), "--model",
                TinyModel.directory().toString(), "--baseline-model", TinyModel.directory().toString(), "--out", metrics.toString(), "--protocol", "forecast,sparse10",
                "--samples", "3", "--max-windows", "2", "--batch-windows", "2");
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.err().contains("not marked left-to-right"), run.err());
        List<String> lines = run.out().lines().toList();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("forecast") && l.contains("l2r-baseline density (K=3 mixture)")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("forecast") && l.contains("l2r-baseline sample median (K=3)")), run.out());
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("sparse10") && l.contains("l2r-baseline sample median (K=3)")), run.out());
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("sparse10") && l.contains("l2r-baseline density")), run.out());
        JsonNode json = new ObjectMapper().readTree(metrics.toFile());
        JsonNode forecast = json.path("protocols").path("forecast").path("rows");
        JsonNode density = forecast.path("l2r-baseline density (K=3 mixture)");
        assertEquals(2, density.path("windows").asInt());
        assertEquals(32, density.path("hidden_steps").asInt());
        assertTrue(density.path("nll_per_hidden_step").isNumber() && density.path("coverage_90").isNumber());
        JsonNode sample = json.path("protocols").path("sparse10").path("rows").path("l2r-baseline sample median (K=3)");
        assertEquals(2, sample.path("windows").asInt());
        assertTrue(sample.path("crps_fpm").isNumber() && sample.path("nll_per_hidden_step").isNull());
        assertTrue(json.path("left_to_right_baseline").path("evaluated").asBoolean());
    }

    @Test
    void evaluatePicksTheLeftToRightModelNextToTheSigmaGptByItself() throws IOException {
        Path root = dir.resolve("models");
        copyTiny(root.resolve("sgpt"), null);
        copyTiny(root.resolve("l2r"), "l2r");
        Path metrics = dir.resolve("metrics.json");
        CommandRun run = CommandRun.of(new EvaluateCommand(), "--input", flightFile().toString(), "--model",
                root.toString(), "--out", metrics.toString(), "--protocol", "forecast", "--samples", "2", "--max-windows", "1");
        assertEquals(0, run.exit(), run.err());
        JsonNode info = new ObjectMapper().readTree(metrics.toFile()).path("left_to_right_baseline");
        assertTrue(info.path("evaluated").asBoolean(), info.toString());
        assertTrue(info.path("directory").asText().endsWith("l2r"), info.toString());
        assertEquals("l2r", info.path("training_order").asText());
        assertTrue(run.out().contains("l2r-baseline density (K=2 mixture)"), run.out());
        CommandRun none = CommandRun.of(new EvaluateCommand(), "--input", flightFile().toString(), "--model",
                root.resolve("sgpt").toString(), "--out", metrics.toString(), "--protocol", "forecast", "--samples", "2",
                "--max-windows", "1", "--no-baseline-model");
        assertEquals(0, none.exit(), none.err());
        assertFalse(none.out().contains("l2r-baseline"), none.out());
    }

    private Path flightFile() throws IOException {
        return flightFile(dir);
    }

    /** One flight of 140 steps of 10 s, every step with a rate and an altitude: two evaluation windows. */
    static Path flightFile(Path dir) throws IOException {
        Path f = dir.resolve("flight.csv");
        StringBuilder b = new StringBuilder(
                "flight_id,timestamp,latitude,longitude,altitude_ft,vertical_rate_fpm,groundspeed_kt,track_deg\n");
        double alt = 3000;
        for (int k = 0; k < 140; k++) {
            int rate = 64 * (int) Math.round(20 * Math.sin(k / 15.0));
            b.append("3c6586-a,").append(1672574400 + 10 * k).append(",48.35,11.78,").append(Math.round(alt / 25) * 25)
                    .append(',').append(rate).append(",180,262\n");
            alt += rate / 6.0;
        }
        Files.writeString(f, b.toString());
        return f;
    }

    private static Path fakeModel(Path d, String order) throws IOException {
        Files.createDirectories(d);
        Files.write(d.resolve("model.onnx"), new byte[0]);
        Files.writeString(d.resolve("model.json"), "{\"model_id\":\"" + d.getFileName() + "\",\"training\":{\"args\":"
                + "{\"order\":\"" + order + "\"}}}");
        return d;
    }

    private static void copyTiny(Path d, String order) throws IOException {
        Files.createDirectories(d);
        for (String name : List.of("model.onnx", "spec.json", "model.json")) {
            Files.copy(TinyModel.directory().resolve(name), d.resolve(name));
        }
        if (order != null) {
            ObjectMapper m = new ObjectMapper();
            ObjectNode json = (ObjectNode) m.readTree(d.resolve("model.json").toFile());
            ((ObjectNode) json.path("training").path("args")).put("order", order);
            m.writeValue(d.resolve("model.json").toFile(), json);
        }
    }

    private static ObservedWindow withObserved(ObservedWindow w, int step, double rate, double alt) {
        GriddedFlight g = w.window();
        double[] rates = new double[g.steps()];
        double[] alts = new double[g.steps()];
        for (int s = 0; s < g.steps(); s++) {
            rates[s] = g.value(s, Channel.VERTICAL_RATE);
            alts[s] = g.value(s, Channel.ALTITUDE);
        }
        rates[step] = rate;
        alts[step] = alt;
        return new ObservedWindow(w.icao24(), new GriddedFlight(g.flightId(), g.dataSource(), g.startMillis(),
                g.stepMillis(), rates, alts, new byte[g.steps()]), w.lastReportTime(), w.seed());
    }

    /** Steps 0-47 observed (both channels), 48-63 hidden: the forecast protocol. */
    private static ObservedWindow forecastWindow() {
        int steps = 64;
        double[] rates = new double[steps];
        double[] alts = new double[steps];
        Arrays.fill(rates, Double.NaN);
        Arrays.fill(alts, Double.NaN);
        double alt = 4000;
        for (int s = 0; s < 48; s++) {
            rates[s] = 64 * (s / 4);
            alts[s] = Math.round(alt / 25) * 25;
            alt += rates[s] / 6;
        }
        return new ObservedWindow("abc123", new GriddedFlight("abc123-f", "test", 0, 10_000, rates, alts,
                new byte[steps]), 0, 3);
    }

    private static void assertClose(double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "bin " + i);
        }
    }
}
