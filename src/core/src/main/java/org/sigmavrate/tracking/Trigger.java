package org.sigmavrate.tracking;

/**
 * Why a flight was re-forecast (see {@link ReforecastRules}). The {@link #label()} travels with every published
 * record and tags the trigger metrics.
 */
public enum Trigger {
    /** the flight has no forecast yet */
    FIRST("first"),
    /** a report's vertical rate left the central band of the standing forecast at its grid step */
    LEFT_BAND("left-band"),
    /** the flight phase (climb, level, descent) differs from the one the standing forecast was published in */
    PHASE_CHANGE("phase-change"),
    /** the standing forecast's last report is the max age or more behind the flight's latest report */
    MAX_AGE("max-age"),
    /** the cadence policy: every cadence of event time, whatever changed */
    CADENCE("cadence");

    private final String label;

    Trigger(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /**
     * Whether the forecast it asks for tells consumers something their standing one does not (a new flight, a rate
     * outside the band, a new phase): under overload these go before routine refreshes (max age, cadence), which
     * only renew what is already published.
     */
    public boolean urgent() {
        return this == FIRST || this == LEFT_BAND || this == PHASE_CHANGE;
    }

    /** @return the trigger of a label, or null for null or an unknown label (a record of a newer release) */
    public static Trigger ofLabel(String label) {
        for (Trigger t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        return null;
    }
}
