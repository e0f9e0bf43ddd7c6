package org.sigmavrate.model.onnx;

import java.nio.FloatBuffer;

import org.sigmavrate.domain.grid.Channel;

/**
 * The bin probabilities of each output row of one forward call, per channel ({@link ChannelSoftmax}). Backed by
 * buffers of the thread that computed them: valid until its next call.
 */
public final class ChannelProbabilities {
    private final Logits logits;
    private final FloatBuffer[] byChannel;
    private final int[] bins;

    ChannelProbabilities(Logits logits, FloatBuffer[] byChannel, int[] bins) {
        this.logits = logits;
        this.byChannel = byChannel;
        this.bins = bins;
    }

    /** The distribution over channel {@code c}'s bins at step {@code step} of sequence {@code b}. */
    public double[] of(int b, int step, Channel c) {
        int size = bins[c.ordinal()];
        int base = logits.rowIndex(b, step) * size;
        FloatBuffer data = byChannel[c.ordinal()];
        double[] p = new double[size];
        for (int k = 0; k < size; k++) {
            p[k] = data.get(base + k);
        }
        return p;
    }
}
