package org.sigmavrate.ingest;

import java.nio.file.Path;

/**
 * A record of a file that could not be used, with where it is and why.
 *
 * @param file     the file
 * @param location line number (1-based) for line formats, record number (1-based) for JSON arrays
 * @param reason   short machine-friendly reason, one of the constants below
 * @param detail   human-readable detail
 */
public record ReadProblem(Path file, long location, String reason, String detail) {
    /** A value that should be a number is not one ("abc", "12x"). */
    public static final String BAD_NUMBER = "bad-number";
    /** A timestamp that is neither epoch seconds/milliseconds nor ISO-8601. */
    public static final String BAD_TIMESTAMP = "bad-timestamp";
    /** A required field (timestamp, aircraft id) is absent, null or empty. */
    public static final String MISSING_FIELD = "missing-field";
    /** A value of the wrong JSON type (an object where a number belongs, a record that is not an object). */
    public static final String WRONG_TYPE = "wrong-type";
    /** A CSV row or trace point with the wrong number of values. */
    public static final String COLUMN_COUNT = "column-count";
    /** A CSV row with an unterminated quote. */
    public static final String BAD_QUOTING = "bad-quoting";
    /** A line or record that is not valid JSON. */
    public static final String BAD_JSON = "bad-json";
    /** The file ends in the middle (gzip or JSON cut off); what came before was kept. */
    public static final String TRUNCATED = "truncated";
    /** The rest of the file could not be read (corrupt gzip data, I/O error); what came before was kept. */
    public static final String READ_ERROR = "read-error";

    @Override
    public String toString() {
        return file + ":" + location + ": " + reason + " (" + detail + ")";
    }
}
