package org.sigmavrate.streaming;

import org.sigmavrate.domain.flight.Report;

/**
 * What {@link ReportDecoder} made of one input record, and so where it goes.
 *
 * @param route    where it goes
 * @param report   the valid report, in the product's units ({@link Route#KEYED} and {@link Route#MISROUTED})
 * @param original the record's bytes, as they came ({@link Route#DEAD_LETTER}; the reason is in the headers)
 */
public record DecodedReport(Route route, Report report, byte[] original) {
    public enum Route {
        /** a valid report keyed by its ICAO24: straight to its flight */
        KEYED,
        /** a valid report the producer keyed otherwise: re-partitioned by ICAO24 first */
        MISROUTED,
        /** not a valid report: to the dead-letter topic */
        DEAD_LETTER
    }

    static DecodedReport valid(Report report, boolean keyedByIcao24) {
        return new DecodedReport(keyedByIcao24 ? Route.KEYED : Route.MISROUTED, report, null);
    }

    static DecodedReport deadLetter(byte[] original) {
        return new DecodedReport(Route.DEAD_LETTER, null, original);
    }

    public boolean goesTo(Route r) {
        return route == r;
    }
}
