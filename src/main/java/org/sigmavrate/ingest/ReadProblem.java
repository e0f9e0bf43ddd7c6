package org.sigmavrate.ingest;

import java.nio.file.Path;

/**
 * A record of a file that could not be used, with where it is and why.
 *
 * @param file     the file
 * @param location line number (1-based) for line formats, record number (1-based) for JSON arrays
 * @param reason   short machine-friendly reason, e.g. "bad-number", "missing-column", "truncated"
 * @param detail   human-readable detail
 */
public record ReadProblem(Path file, long location, String reason, String detail) {
    @Override
    public String toString() {
        return file + ":" + location + ": " + reason + " (" + detail + ")";
    }
}
