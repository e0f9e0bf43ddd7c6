package org.sigmavrate.ingest;

import java.nio.file.Path;
import java.util.List;

/**
 * The files found in the inputs a user named.
 *
 * @param files              files to read, in order: named files as given, folder contents sorted
 * @param skippedUnsupported files found in folders that are not flight files (README, LICENSE, .bin...),
 *                           for the caller to report; named files are never skipped
 */
public record InputSelection(List<Path> files, List<Path> skippedUnsupported) {
}
