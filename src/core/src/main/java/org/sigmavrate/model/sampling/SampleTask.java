package org.sigmavrate.model.sampling;

/**
 * What to sample for one window: the known positions in the order they are fed to the model, their tokens, the
 * unknown positions to sample jointly, how many independent paths, and the seed of every random choice.
 */
public record SampleTask(long[] knownOrder, long[] knownTokens, long[] unknown, int paths, long seed) {
    public SampleTask {
        if (knownOrder.length != knownTokens.length) {
            throw new IllegalArgumentException("one token per known position");
        }
        if (paths < 1) {
            throw new IllegalArgumentException("at least one path");
        }
    }
}
