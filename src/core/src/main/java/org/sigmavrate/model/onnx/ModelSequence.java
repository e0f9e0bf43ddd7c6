package org.sigmavrate.model.onnx;

/**
 * One input sequence of the σ-GPT. Steps {@code [0, causalPrefix)} attend causally among themselves; every later
 * step (a query step) attends to those prefix steps and to itself only. A fully causal sequence has
 * {@code causalPrefix == length}.
 *
 * @param tokens       token held by each step (step 0: the start token)
 * @param posIn        grid position of the token a step holds (the start position for the start token)
 * @param posOut       grid position whose token the step predicts
 * @param causalPrefix number of leading causal steps
 * @param outputFrom   first step whose logits the caller reads: the steps before it only feed the attention of the
 *                     others, so a model that takes {@code logit_rows} computes no output for them
 */
public record ModelSequence(long[] tokens, long[] posIn, long[] posOut, int causalPrefix, int outputFrom) {
    public ModelSequence {
        if (tokens.length != posIn.length || tokens.length != posOut.length) {
            throw new IllegalArgumentException("tokens, pos_in and pos_out must have one entry per step");
        }
        if (tokens.length == 0 || causalPrefix < 0 || causalPrefix > tokens.length) {
            throw new IllegalArgumentException("a sequence needs at least one step and 0 <= causalPrefix <= length");
        }
        if (outputFrom < 0 || outputFrom >= tokens.length) {
            throw new IllegalArgumentException("outputFrom " + outputFrom + " outside the sequence's "
                    + tokens.length + " steps");
        }
    }

    /** A sequence whose every step's logits are read. */
    public ModelSequence(long[] tokens, long[] posIn, long[] posOut, int causalPrefix) {
        this(tokens, posIn, posOut, causalPrefix, 0);
    }

    public int length() {
        return tokens.length;
    }

    /** Number of steps whose logits are read: {@code [outputFrom, length)}. */
    public int outputSteps() {
        return tokens.length - outputFrom;
    }

    /** Whether step {@code row} may attend to step {@code column}. */
    public boolean attends(int row, int column) {
        if (row < causalPrefix) {
            return column <= row;
        }
        return column < causalPrefix || column == row;
    }
}
