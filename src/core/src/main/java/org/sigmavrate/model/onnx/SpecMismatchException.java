package org.sigmavrate.model.onnx;

/** A model was trained with another grid/tokenizer spec than the one this code runs. */
public final class SpecMismatchException extends ModelLoadException {
    private final String modelSpecSha256;
    private final String runningSpecSha256;

    public SpecMismatchException(String message, String modelSpecSha256, String runningSpecSha256) {
        super(message);
        this.modelSpecSha256 = modelSpecSha256;
        this.runningSpecSha256 = runningSpecSha256;
    }

    public String modelSpecSha256() {
        return modelSpecSha256;
    }

    public String runningSpecSha256() {
        return runningSpecSha256;
    }
}
