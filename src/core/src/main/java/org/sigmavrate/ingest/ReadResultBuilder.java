package org.sigmavrate.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.sigmavrate.domain.flight.Report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.io.JsonEOFException;

/** Collects one file's reports and problems; every record goes through here so records == reports + problems holds. */
final class ReadResultBuilder {
    private final Path file;
    private final FlightFormat format;
    private final List<Report> reports = new ArrayList<>();
    private final List<ReadProblem> problems = new ArrayList<>();
    private long records;

    ReadResultBuilder(Path file, FlightFormat format) {
        this.file = file;
        this.format = format;
    }

    void accept(Report report) {
        records++;
        reports.add(report);
    }

    void reject(long location, BadRecordException why) {
        reject(location, why.reason(), why.detail());
    }

    void reject(long location, String reason, String detail) {
        records++;
        problems.add(new ReadProblem(file, location, reason, detail));
    }

    /**
     * The stream broke at {@code location}: the file was cut off (truncated gzip or JSON) or its remaining bytes are
     * unusable. The broken tail counts as one record so that the invariant still holds.
     */
    void streamBroke(long location, IOException cause) {
        streamBroke(location, cause, "reading stopped here, earlier records were kept");
    }

    void streamBroke(long location, IOException cause, String consequence) {
        reject(location, reasonFor(cause), consequence + ": " + cause.getMessage());
    }

    /** The file ended before the structure around the records was closed, without an exception. */
    void endedEarly(long location, String detail) {
        reject(location, ReadProblem.TRUNCATED, detail);
    }

    ReadResult build() {
        return new ReadResult(file, format, records, Collections.unmodifiableList(reports),
                Collections.unmodifiableList(problems));
    }

    private static String reasonFor(IOException cause) {
        if (cause instanceof EOFException || cause instanceof JsonEOFException) {
            return ReadProblem.TRUNCATED;
        }
        if (cause instanceof JsonProcessingException) {
            return ReadProblem.BAD_JSON;
        }
        return ReadProblem.READ_ERROR;
    }
}
