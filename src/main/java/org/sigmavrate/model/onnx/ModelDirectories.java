package org.sigmavrate.model.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds model directories ({@code models/<id>/model.onnx}). */
public final class ModelDirectories {
    public static final Path DEFAULT_ROOT = Path.of("models");

    private ModelDirectories() {
    }

    /**
     * The model to use: {@code explicit} when given (a model directory, or a folder holding exactly one), else the
     * single model directory under {@code models/}.
     */
    public static Path resolve(Path explicit) {
        if (explicit != null) {
            if (Files.isRegularFile(explicit.resolve("model.onnx"))) {
                return explicit;
            }
            if (Files.isDirectory(explicit)) {
                return single(explicit);
            }
            throw new ModelLoadException("model " + explicit + " does not exist (expected a folder with model.onnx)");
        }
        return single(DEFAULT_ROOT);
    }

    /** Every model directory directly under {@code root}, sorted. */
    public static List<Path> list(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(root)) {
            return children.filter(p -> Files.isRegularFile(p.resolve("model.onnx"))).sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new ModelLoadException("cannot list " + root + ": " + e.getMessage(), e);
        }
    }

    private static Path single(Path root) {
        List<Path> found = list(root);
        if (found.isEmpty()) {
            throw new ModelLoadException("no model in " + root.toAbsolutePath()
                    + " (a model is a folder with model.onnx, spec.json and model.json; pass --model <dir>)");
        }
        if (found.size() > 1) {
            throw new ModelLoadException("several models in " + root.toAbsolutePath() + ": " + found
                    + "; choose one with --model <dir>");
        }
        return found.get(0);
    }
}
