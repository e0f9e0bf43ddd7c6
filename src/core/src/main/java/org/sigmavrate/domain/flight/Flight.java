package org.sigmavrate.domain.flight;

import java.util.List;

/**
 * One continuous flight segment of one aircraft: its reports in time order, no two at the same millisecond.
 *
 * @param id         stable id, {@code icao24-yyyyMMddTHHmmssZ} of the first report
 * @param icao24     the aircraft
 * @param dataSource provider of the reports
 * @param reports    reports in strictly increasing time order
 */
public record Flight(String id, String icao24, String dataSource, List<Report> reports) {
    public Flight {
        reports = List.copyOf(reports);
        if (reports.isEmpty()) {
            throw new IllegalArgumentException("a flight has at least one report");
        }
    }

    public long startMillis() {
        return reports.get(0).timeMillis();
    }

    public long endMillis() {
        return reports.get(reports.size() - 1).timeMillis();
    }
}
