package org.sigmavrate.model;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;

/** The tiny σ-GPT exported for tests (src/test/resources/models/README.md says how it was made). */
public final class TinyModel {
    private static SigmaGptSession shared;

    private TinyModel() {
    }

    public static Path directory() {
        URL url = TinyModel.class.getResource("/models/tiny-test-v1/model.onnx");
        if (url == null) {
            throw new IllegalStateException("test model missing from src/test/resources/models/tiny-test-v1");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One session for the whole test run (closing is left to the JVM). */
    public static synchronized SigmaGptSession session() {
        if (shared == null) {
            shared = SigmaGptSession.open(directory(), new SessionConfig(1, ExecutionProvider.CPU));
        }
        return shared;
    }
}
