package org.sigmavrate.model.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.jboss.logging.Logger;

/**
 * Finds model directories ({@code models/<id>/model.onnx}) and tells a σ-GPT from a left-to-right baseline model.
 *
 * <p>Both are exported by the trainer with the same interface; what differs is the order the model was trained on,
 * which the trainer's export writes into {@code model.json} as {@code training.args.order} (the {@code --order}
 * argument of {@code train}: {@code random}, {@code l2r}, {@code fractal} or {@code curriculum}). A model whose
 * training order is {@code l2r} is a left-to-right baseline; every other model (including one whose model.json
 * says nothing) is taken for a σ-GPT.
 *
 * <p>The default σ-GPT of a folder of models is named by the folder's {@value #DEFAULT_MODEL_FILE} file when there
 * is one (one line: the model's folder, relative to the folder of models, e.g. {@code variants/sgpt-small-v2-int8});
 * else it is the single σ-GPT directly in the folder. The service ({@code forecaster.model-dir} empty), {@code
 * evaluate}, {@code calibrate}, {@code infill} and {@code bench} all resolve it here.
 */
public final class ModelDirectories {
    public static final Path DEFAULT_ROOT = Path.of("models");
    /** The training order of a left-to-right baseline model, as written in model.json. */
    public static final String LEFT_TO_RIGHT_ORDER = "l2r";
    /** The file in a folder of models naming its default σ-GPT (the one source of truth for the default model). */
    public static final String DEFAULT_MODEL_FILE = "DEFAULT_MODEL";
    private static final Logger LOG = Logger.getLogger(ModelDirectories.class);

    private ModelDirectories() {
    }

    /**
     * The σ-GPT to use: {@code explicit} when given (a model directory, or a folder of models), else the σ-GPT under
     * {@code models/}. In a folder of models, the σ-GPT is the single model not marked left-to-right (a
     * left-to-right baseline next to it does not make the choice ambiguous).
     */
    public static Path resolve(Path explicit) {
        return resolve(explicit, DEFAULT_ROOT);
    }

    /** {@link #resolve(Path)} with another default root. */
    public static Path resolve(Path explicit, Path defaultRoot) {
        if (explicit != null) {
            if (Files.isRegularFile(explicit.resolve("model.onnx"))) {
                return explicit;
            }
            if (Files.isDirectory(explicit)) {
                return sigmaGpt(explicit);
            }
            throw new ModelLoadException("model " + explicit + " does not exist (expected a folder with model.onnx)");
        }
        return sigmaGpt(defaultRoot);
    }

    /**
     * A left-to-right baseline model given as {@code explicit}: a model directory, or a folder holding exactly one
     * model marked left-to-right (or exactly one model).
     */
    public static Path resolveLeftToRight(Path explicit) {
        if (Files.isRegularFile(explicit.resolve("model.onnx"))) {
            return explicit;
        }
        if (!Files.isDirectory(explicit)) {
            throw new ModelLoadException("baseline model " + explicit + " does not exist (expected a folder with model.onnx)");
        }
        List<Path> l2r = leftToRightModels(explicit);
        if (l2r.size() == 1) {
            return l2r.get(0);
        }
        List<Path> all = list(explicit);
        if (l2r.isEmpty() && all.size() == 1) {
            return all.get(0);
        }
        throw new ModelLoadException((all.isEmpty() ? "no model" : "no single left-to-right model") + " in "
                + explicit.toAbsolutePath() + (all.isEmpty() ? "" : ": " + all) + "; pass the model folder itself");
    }

    /** The folder a σ-GPT given as {@code explicit} was found in, where a baseline model next to it is looked for. */
    public static Path searchRoot(Path explicit) {
        if (explicit == null) {
            return DEFAULT_ROOT;
        }
        if (Files.isRegularFile(explicit.resolve("model.onnx"))) {
            Path parent = explicit.toAbsolutePath().getParent();
            return parent == null ? explicit : parent;
        }
        return explicit;
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

    /** The model directories under {@code root} marked left-to-right in their model.json, sorted. */
    public static List<Path> leftToRightModels(Path root) {
        return list(root).stream().filter(ModelDirectories::isLeftToRight).collect(Collectors.toList());
    }

    /**
     * The training order written in {@code dir/model.json} ({@code training.args.order}; also accepted: a top-level
     * {@code training_order} or {@code training.order}), lower case; empty when the file or the field is missing or
     * unreadable.
     */
    public static Optional<String> trainingOrder(Path dir) {
        Path file = dir.resolve("model.json");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = new ObjectMapper().readTree(file.toFile());
            for (JsonNode n : new JsonNode[] {root.path("training").path("args").path("order"),
                    root.path("training_order"), root.path("training").path("order")}) {
                if (n.isTextual() && !n.asText().isBlank()) {
                    return Optional.of(n.asText().trim().toLowerCase(Locale.ROOT));
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            LOG.warnf("cannot read %s (%s); taking the model for a σ-GPT", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether the model in {@code dir} was trained on left-to-right orders only. */
    public static boolean isLeftToRight(Path dir) {
        return trainingOrder(dir).map(LEFT_TO_RIGHT_ORDER::equals).orElse(false);
    }

    /** The model named by {@code root}'s {@value #DEFAULT_MODEL_FILE} file, if it has one. */
    public static Optional<Path> named(Path root) {
        Path file = root.resolve(DEFAULT_MODEL_FILE);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String name;
        try {
            name = Files.readAllLines(file).stream().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .findFirst().orElse("");
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Path dir = root.resolve(name).normalize();
        if (name.isEmpty() || !Files.isRegularFile(dir.resolve("model.onnx"))) {
            throw new ModelLoadException(file + " names the default model '" + name + "', but " + dir
                    + " has no model.onnx");
        }
        return Optional.of(dir);
    }

    private static Path sigmaGpt(Path root) {
        Optional<Path> named = named(root);
        if (named.isPresent()) {
            return named.get();
        }
        List<Path> found = list(root);
        if (found.isEmpty()) {
            throw new ModelLoadException("no model in " + root.toAbsolutePath()
                    + " (a model is a folder with model.onnx, spec.json and model.json; pass --model <dir>)");
        }
        if (found.size() == 1) {
            if (isLeftToRight(found.get(0))) {
                LOG.warnf("the only model in %s, %s, is a left-to-right baseline (model.json training.args.order = "
                        + "l2r); using it as the main model", root, found.get(0));
            }
            return found.get(0);
        }
        List<Path> sigma = found.stream().filter(p -> !isLeftToRight(p)).collect(Collectors.toList());
        if (sigma.size() == 1) {
            return sigma.get(0);
        }
        throw new ModelLoadException("several models in " + root.toAbsolutePath() + ": " + found
                + (sigma.isEmpty() ? " (all left-to-right baselines)" : ", " + sigma.size() + " of them σ-GPTs "
                        + "(not marked training.args.order = l2r in model.json)")
                + "; choose one with --model <dir>");
    }
}
