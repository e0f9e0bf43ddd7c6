package org.sigmavrate.cli;

import java.nio.file.Path;

import org.sigmavrate.model.onnx.ExecutionProvider;
import org.sigmavrate.model.onnx.ModelDirectories;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.onnx.SigmaGptSession;

import picocli.CommandLine.Option;

/** Options shared by the commands that run the σ-GPT. */
public class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR",
            description = "model folder (model.onnx, spec.json, ...); default: forecaster.model-dir, else the σ-GPT "
                    + "under models/")
    @ConfigKey("forecaster.model-dir")
    Path model;

    @Option(names = "--threads",
            description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}; 1 is often fastest on 2 cores)")
    @ConfigKey("forecaster.intra-op-threads")
    int threads;

    @Option(names = "--provider",
            description = "execution provider: cpu, cuda (needs the -Pcuda build and a GPU) or auto (default: ${DEFAULT-VALUE})")
    @ConfigKey("forecaster.offline.execution-provider")
    String provider;

    public int threads() {
        return threads;
    }

    public SigmaGptSession open() {
        Path dir = ModelDirectories.resolve(model);
        return SigmaGptSession.open(dir, sessionConfig());
    }

    /** The session settings of these options (threads, execution provider). */
    public SessionConfig sessionConfig() {
        return new SessionConfig(threads, ExecutionProvider.parse(provider));
    }
}
