package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.Logits;
import org.sigmavrate.model.onnx.ModelDirectories;
import org.sigmavrate.model.onnx.ModelLoadException;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.onnx.SpecMismatchException;

class SigmaGptSessionTest {
    /**
     * The tiny test model and every model shipped in models/ (the σ-GPT and its left-to-right baseline), in
     * models/archive/ (the earlier versions, kept for their cards' comparisons) and in models/variants/ (cheaper
     * passes of the σ-GPT: its int8 quantization, the default, and a distilled student).
     */
    static Stream<Path> modelsWithGoldenVectors() throws IOException {
        List<Path> dirs = new ArrayList<>(List.of(TinyModel.directory()));
        for (Path shipped : List.of(Path.of("models"), Path.of("models", "archive"), Path.of("models", "variants"))) {
            if (Files.isDirectory(shipped)) {
                try (Stream<Path> children = Files.list(shipped)) {
                    children.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().forEach(dirs::add);
                }
            }
        }
        return dirs.stream();
    }

    @Test
    void theRepositoryShipsTheSigmaGptAndItsLeftToRightBaseline() throws IOException {
        List<String> names = modelsWithGoldenVectors().map(d -> d.getFileName().toString()).toList();
        assertTrue(names.contains("sgpt-small-v2") && names.contains("l2r-small-v2"), names.toString());
        assertTrue(names.contains("sgpt-small-v1") && names.contains("l2r-small-v1"), names.toString());
        assertTrue(names.contains("sgpt-small-v2-int8"), names.toString());
        assertEquals(Path.of("models", "variants", "sgpt-small-v2-int8"), ModelDirectories.resolve(null),
                "the default σ-GPT, named by models/DEFAULT_MODEL");
    }

    @ParameterizedTest
    @MethodSource("modelsWithGoldenVectors")
    void logitsEqualTheTrainersGoldenVectorsForEveryCase(Path dir) throws IOException {
        SigmaGptSession session = dir.equals(TinyModel.directory()) ? TinyModel.session()
                : SigmaGptSession.open(dir, new SessionConfig(1, ExecutionProvider.CPU));
        JsonNode golden = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        double atol = golden.get("tolerance").get("atol").asDouble();
        double rtol = golden.get("tolerance").get("rtol").asDouble();
        // a quantized graph's golden file states a looser bound: an int8 activation on a rounding boundary goes
        // either way with float noise between two runtimes, and the step propagates (trainer quantize.py)
        double maxAbs = golden.get("tolerance").path("max_abs").asDouble(1e-4);
        assertEquals(session.specSha256(), golden.get("spec_sha256").asText());
        int cases = 0;
        for (JsonNode c : golden.get("cases")) {
            List<ModelSequence> batch = new ArrayList<>();
            int b = c.get("batch").asInt();
            int length = c.get("length").asInt();
            for (int row = 0; row < b; row++) {
                batch.add(new ExplicitMask(longs(c.get("tokens").get(row)), longs(c.get("pos_in").get(row)),
                        longs(c.get("pos_out").get(row)), c.get("attn_mask").get(row)).sequence());
            }
            // format v2 graphs take the steps whose logits are wanted; v1 graphs give every step's
            long[][] rows = c.has("logit_rows") ? longs2(c.get("logit_rows")) : null;
            assertEquals(rows != null, session.selectsRows(), "golden format and graph format agree");
            Logits logits = rows != null ? session.forward(batch, maskOf(c), rows) : session.forward(batch, maskOf(c));
            int outputRows = rows != null ? rows[0].length : length;
            double worst = 0;
            for (int row = 0; row < b; row++) {
                for (int r = 0; r < outputRows; r++) {
                    JsonNode expected = c.get("logits").get(row).get(r);
                    for (int v = 0; v < session.vocabSize(); v++) {
                        double e = expected.get(v).asDouble();
                        double diff = Math.abs(logits.atRow(row, r, v) - e);
                        worst = Math.max(worst, diff);
                        assertTrue(diff <= atol + rtol * Math.abs(e), () -> c.get("name").asText() + ": logit differs by " + diff);
                    }
                }
            }
            assertTrue(worst <= maxAbs, c.get("name").asText() + " max abs diff " + worst);
            cases++;
        }
        assertEquals(3, cases);
    }

    @Test
    void aDensityPassReadingOnlyItsQueryRowsGivesTheFullForwardsLogits() {
        try (SigmaGptSession session = SigmaGptSession.open(Path.of("models/sgpt-small-v2"),
                new SessionConfig(1, ExecutionProvider.CPU))) {
            assertTrue(session.selectsRows(), "the shipped model is a format-v2 graph");
            var tok = session.spec().tokenizer();
            var rate = org.sigmavrate.domain.grid.Channel.VERTICAL_RATE;
            var sequences = new org.sigmavrate.model.sequence.Sequences(session.spec());
            // two windows of different sizes in one batch: 40 known, 6 queries; 9 known, 3 queries
            long[] order = new long[40];
            long[] tokens = new long[40];
            for (int i = 0; i < 40; i++) {
                order[i] = (i * 7L) % 100;
                tokens[i] = order[i] % 2 == 0 ? tok.firstToken(rate) + 110 + i % 9
                        : tok.encode(org.sigmavrate.domain.grid.Channel.ALTITUDE, 20000 + 50 * i);
            }
            long[] queries = {101, 104, 120, 127, 2, 63};
            List<ModelSequence> selected = List.of(sequences.density(order, tokens, 40, queries, 6),
                    sequences.density(order, tokens, 9, new long[] {126, 5, 64}, 3));
            List<ModelSequence> full = selected.stream()
                    .map(q -> new ModelSequence(q.tokens(), q.posIn(), q.posOut(), q.causalPrefix(), 0)).toList();
            Logits some = session.forward(selected);
            assertEquals(6, some.rows(), "rows of the longest request, not the sequence length");
            float[][][] fromSelected = new float[2][][];
            for (int b = 0; b < 2; b++) {
                ModelSequence q = selected.get(b);
                fromSelected[b] = new float[q.outputSteps()][session.vocabSize()];
                for (int r = 0; r < q.outputSteps(); r++) {
                    for (int v = 0; v < session.vocabSize(); v++) {
                        fromSelected[b][r][v] = some.get(b, q.outputFrom() + r, v);
                    }
                }
            }
            assertThrows(IllegalArgumentException.class, () -> some.get(0, 3, 0), "a prefix row was not computed");
            Logits all = session.forward(full);
            assertEquals(46, all.rows());
            double worst = 0;
            for (int b = 0; b < 2; b++) {
                ModelSequence q = selected.get(b);
                for (int r = 0; r < q.outputSteps(); r++) {
                    for (int v = 0; v < session.vocabSize(); v++) {
                        worst = Math.max(worst, Math.abs(all.get(b, q.outputFrom() + r, v) - fromSelected[b][r][v]));
                    }
                }
            }
            assertTrue(worst < 1e-4, "largest logit difference " + worst);
        }
    }

    @Test
    void refusesAModelWhoseSpecFileDiffersAndNamesBothHashes(@TempDir Path dir) throws IOException {
        Path model = copyModel(dir);
        byte[] other = (new String(Files.readAllBytes(model.resolve("spec.json")), StandardCharsets.UTF_8) + "\n")
                .getBytes(StandardCharsets.UTF_8);
        Files.write(model.resolve("spec.json"), other);
        SpecMismatchException e = assertThrows(SpecMismatchException.class,
                () -> SigmaGptSession.open(model, new SessionConfig(1, ExecutionProvider.CPU)));
        assertTrue(e.getMessage().contains(SpecLoader.sha256(other)), e.getMessage());
        assertTrue(e.getMessage().contains(SpecLoader.bundled().sha256()), e.getMessage());
    }

    @Test
    void refusesAModelTrainedWithAnotherSpecThanTheRunningOne() {
        byte[] bytes = SpecLoader.bundled().bytes();
        byte[] changed = new byte[bytes.length + 1];
        System.arraycopy(bytes, 0, changed, 0, bytes.length);
        changed[bytes.length] = ' ';
        Spec running = SpecLoader.parse(changed);
        SpecMismatchException e = assertThrows(SpecMismatchException.class,
                () -> SigmaGptSession.open(TinyModel.directory(), running, new SessionConfig(1, ExecutionProvider.CPU)));
        assertTrue(e.getMessage().contains(running.sha256()) && e.getMessage().contains(SpecLoader.bundled().sha256()),
                e.getMessage());
    }

    @Test
    void explainsAMissingModel(@TempDir Path dir) {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> ModelDirectories.resolve(dir));
        assertTrue(e.getMessage().contains("no model"), e.getMessage());
    }

    @Test
    void autoFallsBackToCpuWithoutCuda() {
        try (SigmaGptSession s = SigmaGptSession.open(TinyModel.directory(), new SessionConfig(1, ExecutionProvider.AUTO))) {
            assertEquals("cpu", s.metrics().executionProvider());
        }
    }

    private static Path copyModel(Path dir) throws IOException {
        Path model = dir.resolve("m");
        Files.createDirectories(model);
        for (String f : List.of("model.onnx", "spec.json", "model.json")) {
            Files.copy(TinyModel.directory().resolve(f), model.resolve(f));
        }
        return model;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }

    private static long[][] longs2(JsonNode array) {
        long[][] out = new long[array.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = longs(array.get(i));
        }
        return out;
    }

    private static boolean[][][] maskOf(JsonNode c) {
        JsonNode m = c.get("attn_mask");
        boolean[][][] out = new boolean[m.size()][][];
        for (int b = 0; b < m.size(); b++) {
            out[b] = new boolean[m.get(b).size()][m.get(b).size()];
            for (int i = 0; i < m.get(b).size(); i++) {
                for (int j = 0; j < m.get(b).size(); j++) {
                    out[b][i][j] = m.get(b).get(i).get(j).asInt() != 0;
                }
            }
        }
        return out;
    }

    /** A golden row, whose padding and mask are fed exactly as the trainer wrote them. */
    private record ExplicitMask(long[] tokens, long[] posIn, long[] posOut, JsonNode mask) {
        ModelSequence sequence() {
            return new ModelSequence(tokens, posIn, posOut, tokens.length);
        }
    }
}
