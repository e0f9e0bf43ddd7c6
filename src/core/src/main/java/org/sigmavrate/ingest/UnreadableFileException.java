package org.sigmavrate.ingest;

import java.io.IOException;
import java.nio.file.Path;

/** A whole file cannot be read (missing, truncated beyond use, not the format it claims). The message names the file. */
public class UnreadableFileException extends IOException {
    private final Path file;

    public UnreadableFileException(Path file, String why, Throwable cause) {
        super(file + ": " + why, cause);
        this.file = file;
    }

    public UnreadableFileException(Path file, String why) {
        this(file, why, null);
    }

    public Path file() {
        return file;
    }
}
