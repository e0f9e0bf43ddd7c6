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
    /** The tiny test model and every model shipped in models/ (the σ-GPT and its left-to-right baseline). */
    static Stream<Path> modelsWithGoldenVectors() throws IOException {
        List<Path> dirs = new ArrayList<>(List.of(TinyModel.directory()));
        Path shipped = Path.of("models");
        if (Files.isDirectory(shipped)) {
            try (Stream<Path> children = Files.list(shipped)) {
                children.filter(d -> Files.exists(d.resolve("model.onnx"))).sorted().forEach(dirs::add);
            }
        }
        return dirs.stream();
    }

    @Test
    void theRepositoryShipsTheSigmaGptAndItsLeftToRightBaseline() throws IOException {
        List<String> names = modelsWithGoldenVectors().map(d -> d.getFileName().toString()).toList();
        assertTrue(names.contains("sgpt-small-v1") && names.contains("l2r-small-v1"), names.toString());
    }

    @ParameterizedTest
    @MethodSource("modelsWithGoldenVectors")
    void logitsEqualTheTrainersGoldenVectorsForEveryCase(Path dir) throws IOException {
        SigmaGptSession session = dir.equals(TinyModel.directory()) ? TinyModel.session()
                : SigmaGptSession.open(dir, new SessionConfig(1, ExecutionProvider.CPU));
        JsonNode golden = new ObjectMapper().readTree(dir.resolve("golden.json").toFile());
        double atol = golden.get("tolerance").get("atol").asDouble();
        double rtol = golden.get("tolerance").get("rtol").asDouble();
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
            Logits logits = session.forward(batch, maskOf(c));
            double worst = 0;
            for (int row = 0; row < b; row++) {
                for (int step = 0; step < length; step++) {
                    JsonNode expected = c.get("logits").get(row).get(step);
                    for (int v = 0; v < session.vocabSize(); v++) {
                        double e = expected.get(v).asDouble();
                        double diff = Math.abs(logits.get(row, step, v) - e);
                        worst = Math.max(worst, diff);
                        assertTrue(diff <= atol + rtol * Math.abs(e), () -> c.get("name").asText() + ": logit differs by " + diff);
                    }
                }
            }
            assertTrue(worst <= 1e-4, c.get("name").asText() + " max abs diff " + worst);
            cases++;
        }
        assertEquals(3, cases);
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
