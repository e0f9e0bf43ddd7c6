package org.sigmavrate.model.onnx;

import java.nio.FloatBuffer;

/**
 * The logits {@code [B, L, V]} of one forward call. Backed by a per-thread buffer of the session: valid until the
 * next forward call on the same thread.
 */
public final class Logits {
    private final FloatBuffer data;
    private final int batch;
    private final int length;
    private final int vocab;

    Logits(FloatBuffer data, int batch, int length, int vocab) {
        this.data = data;
        this.batch = batch;
        this.length = length;
        this.vocab = vocab;
    }

    public int batch() {
        return batch;
    }

    public int length() {
        return length;
    }

    public int vocab() {
        return vocab;
    }

    public float get(int b, int step, int token) {
        return data.get((b * length + step) * vocab + token);
    }

    /**
     * The softmax of row {@code (b, step)} restricted to tokens {@code [first, first + size)}: the model's
     * distribution over one channel's bins.
     */
    public double[] blockProbabilities(int b, int step, int first, int size) {
        int base = (b * length + step) * vocab + first;
        double[] p = new double[size];
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < size; k++) {
            p[k] = data.get(base + k);
            max = Math.max(max, p[k]);
        }
        double sum = 0;
        for (int k = 0; k < size; k++) {
            p[k] = Math.exp(p[k] - max);
            sum += p[k];
        }
        for (int k = 0; k < size; k++) {
            p[k] /= sum;
        }
        return p;
    }
}
