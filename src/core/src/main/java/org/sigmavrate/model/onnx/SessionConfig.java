package org.sigmavrate.model.onnx;

/**
 * How to run a model.
 *
 * @param intraOpThreads ONNX Runtime intra-op threads (on 2 cores, 1 is often faster than 2 for small batches)
 * @param provider       cpu, cuda or auto
 */
public record SessionConfig(int intraOpThreads, ExecutionProvider provider) {
    public SessionConfig {
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intra-op threads must be at least 1");
        }
    }
}
