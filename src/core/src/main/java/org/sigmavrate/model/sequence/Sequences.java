package org.sigmavrate.model.sequence;

import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.model.onnx.ModelSequence;

/**
 * Builds the σ-GPT's input sequences, in the trainer's layouts (trainer/sigmavrate_trainer/data.py).
 *
 * <p>Causal (training, sampling, verification) over an order o_1..o_T of positions with tokens x:
 * tokens {@code [BOS, x_o1, ..., x_o(T-1)]}, pos_in {@code [start, o_1, ..., o_(T-1)]}, pos_out
 * {@code [o_1, ..., o_T]}; row t predicts the token at o_(t+1). The token of o_T is not an input.
 *
 * <p>Density mode, known k_1..k_K and queries r_1..r_M: rows 0..K-1 are the causal rows of the known order (their
 * last predicts x_kK); row K+j holds x_kK at pos_in k_K (BOS at the start position when K = 0), predicts r_j, and
 * attends to rows 0..K-1 and itself, so it gives p(x_rj | known) in the same pass as every other query.
 */
public final class Sequences {
    private final long bos;
    private final long start;

    public Sequences(Spec spec) {
        this.bos = spec.tokenizer().bos();
        this.start = spec.startPosition();
    }

    /** The causal sequence of the first {@code count} entries of an order (tokens of all but the last are used). */
    public ModelSequence causal(long[] order, long[] tokens, int count) {
        return causal(order, tokens, count, 0);
    }

    /** Like {@link #causal(long[], long[], int)}, reading the logits of rows {@code outputFrom..count-1} only. */
    public ModelSequence causal(long[] order, long[] tokens, int count, int outputFrom) {
        long[] t = new long[count];
        long[] in = new long[count];
        long[] out = new long[count];
        t[0] = bos;
        in[0] = start;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                t[i] = tokens[i - 1];
                in[i] = order[i - 1];
            }
            out[i] = order[i];
        }
        return new ModelSequence(t, in, out, count, outputFrom);
    }

    /**
     * The causal sequence of the first {@code known} entries of an order followed by {@code next}, whose last row
     * gives p(x_next | known).
     */
    public ModelSequence next(long[] order, long[] tokens, int known, long next) {
        long[] t = new long[known + 1];
        long[] in = new long[known + 1];
        long[] out = new long[known + 1];
        t[0] = bos;
        in[0] = start;
        for (int i = 1; i <= known; i++) {
            t[i] = tokens[i - 1];
            in[i] = order[i - 1];
        }
        for (int i = 0; i < known; i++) {
            out[i] = order[i];
        }
        out[known] = next;
        return new ModelSequence(t, in, out, known + 1, known);
    }

    /** Density mode: query row {@code known + j} gives p(x_queries[j] | the first {@code known} of the order). */
    public ModelSequence density(long[] order, long[] tokens, int known, long[] queries, int queryCount) {
        int length = known + queryCount;
        long[] t = new long[length];
        long[] in = new long[length];
        long[] out = new long[length];
        for (int i = 0; i < known; i++) {
            t[i] = i == 0 ? bos : tokens[i - 1];
            in[i] = i == 0 ? start : order[i - 1];
            out[i] = order[i];
        }
        long lastToken = known == 0 ? bos : tokens[known - 1];
        long lastIn = known == 0 ? start : order[known - 1];
        for (int j = 0; j < queryCount; j++) {
            t[known + j] = lastToken;
            in[known + j] = lastIn;
            out[known + j] = queries[j];
        }
        return new ModelSequence(t, in, out, known, known);
    }
}
