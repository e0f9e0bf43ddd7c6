package org.sigmavrate.model.onnx;

import java.nio.FloatBuffer;

/**
 * The logits of one forward call: {@code rows} output rows per sequence, row r of sequence b holding the logits of
 * step {@code firstStep[b] + r} (a model without {@code logit_rows} returns every step: first step 0, rows = the
 * padded length). Backed by a per-thread buffer of the session: valid until the next forward call on the same thread.
 */
public final class Logits {
    private final FloatBuffer data;
    private final int batch;
    private final int rows;
    private final int vocab;
    private final int[] firstStep;
    private final int[] steps;

    Logits(FloatBuffer data, int batch, int rows, int vocab, int[] firstStep, int[] steps) {
        this.data = data;
        this.batch = batch;
        this.rows = rows;
        this.vocab = vocab;
        this.firstStep = firstStep;
        this.steps = steps;
    }

    public int batch() {
        return batch;
    }

    /** Output rows per sequence (padded to the batch's largest). */
    public int rows() {
        return rows;
    }

    public int vocab() {
        return vocab;
    }

    /** The logit of {@code token} at step {@code step} of sequence {@code b}. */
    public float get(int b, int step, int token) {
        return data.get(offset(b, step) + token);
    }

    /** The logit of {@code token} in output row {@code row} of sequence {@code b}, whatever step it holds. */
    public float atRow(int b, int row, int token) {
        return data.get((b * rows + row) * vocab + token);
    }

    /**
     * The softmax of step {@code (b, step)} restricted to tokens {@code [first, first + size)}: the model's
     * distribution over one channel's bins.
     */
    public double[] blockProbabilities(int b, int step, int first, int size) {
        int base = offset(b, step) + first;
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

    private int offset(int b, int step) {
        return rowIndex(b, step) * vocab;
    }

    /** The output row, among all {@code batch * rows}, that holds step {@code step} of sequence {@code b}. */
    int rowIndex(int b, int step) {
        int row = step - firstStep[b];
        if (row < 0 || row >= steps[b]) {
            throw new IllegalArgumentException("the logits of step " + step + " of sequence " + b + " were not asked "
                    + "for (steps " + firstStep[b] + ".." + (firstStep[b] + steps[b] - 1) + "; see ModelSequence.outputFrom)");
        }
        return b * rows + row;
    }

    /** The buffer the logits are in, row after row from index 0 ({@link ChannelSoftmax} reads it in place). */
    FloatBuffer data() {
        return data;
    }
}
