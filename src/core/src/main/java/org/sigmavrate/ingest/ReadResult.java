package org.sigmavrate.ingest;

import java.nio.file.Path;
import java.util.List;

import org.sigmavrate.domain.flight.Report;

/**
 * What one file yielded: its reports in file order and every record that was skipped, with a reason.
 *
 * @param file     the file read
 * @param format   the format it was read as
 * @param records  number of records (rows, objects, trace points) seen
 * @param reports  usable reports
 * @param problems skipped records; their count plus reports' count equals records
 */
public record ReadResult(Path file, FlightFormat format, long records, List<Report> reports, List<ReadProblem> problems) {
}
