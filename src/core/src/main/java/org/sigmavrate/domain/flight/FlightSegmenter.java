package org.sigmavrate.domain.flight;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts reports into flights: per aircraft (and per flight id the file itself gives, if any), in time order, a gap
 * longer than {@code maxGap} starts a new flight. Reports are cleaned and missing rates derived per flight.
 */
public final class FlightSegmenter {
    private static final DateTimeFormatter ID_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final long maxGapMillis;
    private final ReportCleaner cleaner;
    private final VerticalRateDeriver deriver;

    public FlightSegmenter(long maxGapMillis, ReportCleaner cleaner, VerticalRateDeriver deriver) {
        if (maxGapMillis <= 0) {
            throw new IllegalArgumentException("the gap limit must be positive");
        }
        this.maxGapMillis = maxGapMillis;
        this.cleaner = cleaner;
        this.deriver = deriver;
    }

    public static String flightId(String icao24, long startMillis) {
        return icao24 + "-" + ID_TIME.format(Instant.ofEpochMilli(startMillis));
    }

    /** Which reports are segmented together: the aircraft's, and of the flight id the file gives, if any. */
    public static String key(Report r) {
        return r.flightIdHint() == null ? r.icao24() : r.icao24() + "\u0000" + r.flightIdHint();
    }

    /**
     * The reports segmented together ({@link #key}), each group in time order, the groups in order of first
     * appearance: what a replay feeds one aircraft's track.
     */
    public static List<List<Report>> bySource(List<Report> reports) {
        Map<String, List<Report>> byKey = new LinkedHashMap<>();
        for (Report r : reports) {
            byKey.computeIfAbsent(key(r), k -> new ArrayList<>()).add(r);
        }
        List<List<Report>> groups = new ArrayList<>(byKey.values());
        groups.forEach(g -> g.sort(Comparator.comparingLong(Report::timeMillis)));
        return groups;
    }

    /** @param reports reports of any aircraft, any order; flights come out in order of first appearance */
    public List<Flight> segment(List<Report> reports, RejectionLedger ledger) {
        List<Flight> flights = new ArrayList<>();
        for (List<Report> aircraft : bySource(reports)) {
            List<Report> cleaned = cleaner.clean(aircraft, ledger);
            int start = 0;
            for (int i = 1; i <= cleaned.size(); i++) {
                boolean gap = i == cleaned.size()
                        || cleaned.get(i).timeMillis() - cleaned.get(i - 1).timeMillis() > maxGapMillis;
                if (gap && i > start) {
                    List<Report> part = deriver.fill(cleaned.subList(start, i));
                    Report first = part.get(0);
                    flights.add(new Flight(flightId(first.icao24(), first.timeMillis()), first.icao24(),
                            first.dataSource(), part));
                    start = i;
                }
            }
        }
        return flights;
    }
}
