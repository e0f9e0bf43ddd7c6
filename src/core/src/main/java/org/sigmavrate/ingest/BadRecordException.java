package org.sigmavrate.ingest;

/**
 * One record cannot be decoded. It becomes a {@link ReadProblem}; reading goes on with the next record.
 * No stack trace: this is expected control flow for bad data, and bad files can have many such records.
 */
final class BadRecordException extends Exception {
    private final String reason;

    BadRecordException(String reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    String reason() {
        return reason;
    }

    String detail() {
        return getMessage();
    }
}
