package org.sigmavrate.model;

import java.nio.file.Path;

import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;

/** The tiny σ-GPT exported for tests (src/core/src/test/resources/models/README.md says how it was made). */
public final class TinyModel {
    private static SigmaGptSession shared;

    private TinyModel() {
    }

    /** Tests of every module run from the repository root (the build sets their working directory there). */
    public static final Path DIRECTORY = Path.of("src/core/src/test/resources/models/tiny-test-v1");

    public static Path directory() {
        if (!java.nio.file.Files.isRegularFile(DIRECTORY.resolve("model.onnx"))) {
            throw new IllegalStateException("test model missing from " + DIRECTORY.toAbsolutePath());
        }
        return DIRECTORY;
    }

    /** One session for the whole test run (closing is left to the JVM). */
    public static synchronized SigmaGptSession session() {
        if (shared == null) {
            shared = SigmaGptSession.open(directory(), new SessionConfig(1, ExecutionProvider.CPU));
        }
        return shared;
    }
}
