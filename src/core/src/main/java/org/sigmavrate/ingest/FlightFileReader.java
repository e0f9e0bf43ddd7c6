package org.sigmavrate.ingest;

import java.nio.file.Path;

/** Reads one file of one format into reports. Bad records are reported in the result, never thrown. */
public interface FlightFileReader {
    FlightFormat format();

    /**
     * @throws UnreadableFileException when the file as a whole cannot be read; the message names the file
     */
    ReadResult read(Path file) throws UnreadableFileException;
}
