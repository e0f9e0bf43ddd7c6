package org.sigmavrate.dataset;

/**
 * What the manifest says of one input file.
 *
 * @param path     as given on the command line or found in a folder
 * @param sha256   of the file's bytes
 * @param format   format it was read as, or null when unreadable
 * @param records  records seen
 * @param reports  reports decoded
 * @param problems records skipped with a reason
 * @param error    why the whole file could not be read, or null
 */
public record InputFileRecord(String path, String sha256, String format, long records, long reports, long problems,
        String error) {
}
