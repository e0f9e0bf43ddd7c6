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
 */
public record ModelSequence(long[] tokens, long[] posIn, long[] posOut, int causalPrefix) {
    public ModelSequence {
        if (tokens.length != posIn.length || tokens.length != posOut.length) {
            throw new IllegalArgumentException("tokens, pos_in and pos_out must have one entry per step");
        }
        if (tokens.length == 0 || causalPrefix < 0 || causalPrefix > tokens.length) {
            throw new IllegalArgumentException("a sequence needs at least one step and 0 <= causalPrefix <= length");
        }
    }

    public int length() {
        return tokens.length;
    }

    /** Whether step {@code row} may attend to step {@code column}. */
    public boolean attends(int row, int column) {
        if (row < causalPrefix) {
            return column <= row;
        }
        return column < causalPrefix || column == row;
    }
}
