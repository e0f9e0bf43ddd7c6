package org.sigmavrate.dataset;

import java.nio.file.Path;

import org.sigmavrate.ingest.ReadResult;
import org.sigmavrate.ingest.UnreadableFileException;

/** Reads one input file; the dataset builder does not care which format. */
@FunctionalInterface
public interface FileSource {
    ReadResult read(Path file) throws UnreadableFileException;
}
