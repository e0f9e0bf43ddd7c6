package org.sigmavrate.ingest;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Decodes text values (CSV fields, JSON strings) into numbers, times and flags. Missing values become NaN/null. */
final class TextValues {
    /** Beyond this, "epoch seconds" are really milliseconds (year 5138); reject instead of inventing a far future. */
    private static final double MAX_EPOCH_SECONDS = 1e11;

    private TextValues() {
    }

    static boolean isMissing(String text) {
        if (text == null) {
            return true;
        }
        String t = text.trim();
        return t.isEmpty() || t.equalsIgnoreCase("nan") || t.equalsIgnoreCase("null");
    }

    /** A decimal number; empty, "NaN" and "null" are missing (NaN). */
    static double number(String text, String field) throws BadRecordException {
        if (isMissing(text)) {
            return Double.NaN;
        }
        String t = text.trim();
        // Double.parseDouble also takes "Infinity", hex floats and "12d"; none of them is a decimal number in a data file
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                throw badNumber(field, text);
            }
        }
        try {
            return Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw badNumber(field, text);
        }
    }

    /** Epoch seconds (integer or decimal) or ISO-8601 date-time, to epoch milliseconds. */
    static long epochMillisFromSecondsOrIso(String text, String field) throws BadRecordException {
        if (isMissing(text)) {
            throw new BadRecordException(ReadProblem.MISSING_FIELD, field + " is empty");
        }
        String t = text.trim();
        if (looksLikeIso(t)) {
            return isoToMillis(t, field);
        }
        double seconds;
        try {
            seconds = number(t, field);
        } catch (BadRecordException e) {
            throw new BadRecordException(ReadProblem.BAD_TIMESTAMP,
                    field + " is neither epoch seconds nor ISO-8601: '" + text + "'");
        }
        return secondsToMillis(seconds, field);
    }

    static long secondsToMillis(double seconds, String field) throws BadRecordException {
        if (!Double.isFinite(seconds)) {
            throw new BadRecordException(ReadProblem.BAD_TIMESTAMP, field + " is not a finite number");
        }
        if (Math.abs(seconds) >= MAX_EPOCH_SECONDS) {
            throw new BadRecordException(ReadProblem.BAD_TIMESTAMP,
                    field + " " + seconds + " is too large for epoch seconds (milliseconds given?)");
        }
        return Math.round(seconds * 1000.0);
    }

    /**
     * ISO-8601 with {@code Z} or an offset, optionally with fractional seconds. A date-time without zone is taken as
     * UTC, because every time in this product is UTC and pandas writes UTC times without a zone.
     */
    static long isoToMillis(String text, String field) throws BadRecordException {
        String t = text.trim();
        if (t.length() > 10 && t.charAt(10) == ' ') {
            t = t.substring(0, 10) + 'T' + t.substring(11);
        }
        try {
            return OffsetDateTime.parse(t).toInstant().toEpochMilli();
        } catch (DateTimeParseException withoutZone) {
            try {
                return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new BadRecordException(ReadProblem.BAD_TIMESTAMP,
                        field + " is not an ISO-8601 date-time: '" + text + "'");
            }
        }
    }

    static boolean looksLikeIso(String text) {
        // "2025-06-01T..." : a '-' after the first character never occurs in a plain number except in an exponent
        return text.length() >= 10 && text.charAt(4) == '-' && text.charAt(7) == '-';
    }

    /** true/false/1/0 (any case); missing is null. */
    static Boolean flag(String text, String field) throws BadRecordException {
        if (isMissing(text)) {
            return null;
        }
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "true", "1", "t":
                return Boolean.TRUE;
            case "false", "0", "f":
                return Boolean.FALSE;
            default:
                throw new BadRecordException(ReadProblem.WRONG_TYPE, field + " is not true/false: '" + text + "'");
        }
    }

    /** Trimmed text, null when empty. */
    static String trimmed(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        return t.isEmpty() ? null : t;
    }

    /** A required aircraft id: trimmed, lower-cased (ICAO addresses are case-insensitive hex; "~" prefix kept). */
    static String aircraftId(String text, String field) throws BadRecordException {
        String t = trimmed(text);
        if (t == null) {
            throw new BadRecordException(ReadProblem.MISSING_FIELD, field + " is missing");
        }
        return t.toLowerCase(Locale.ROOT);
    }

    private static BadRecordException badNumber(String field, String text) {
        return new BadRecordException(ReadProblem.BAD_NUMBER, field + " is not a number: '" + abbreviate(text) + "'");
    }

    static String abbreviate(String text) {
        return text.length() <= 40 ? text : text.substring(0, 37) + "...";
    }
}
