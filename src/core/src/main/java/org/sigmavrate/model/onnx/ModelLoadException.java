package org.sigmavrate.model.onnx;

/** A model directory cannot be used: missing files, an unreadable graph, a wrong interface or spec. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
