package org.sigmavrate.model.onnx;

import java.util.Locale;

/** Where ONNX Runtime runs the model. {@code AUTO} takes CUDA when the CUDA build and a GPU are present. */
public enum ExecutionProvider {
    CPU, CUDA, AUTO;

    public static ExecutionProvider parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown execution provider '" + text + "' (cpu, cuda or auto)");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
