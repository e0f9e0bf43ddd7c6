package org.sigmavrate.domain.flight;

/** Where a vertical rate comes from. */
public enum VerticalRateSource {
    /** Reported by the aircraft from its barometric sensor. */
    BAROMETRIC,
    /** Reported by the aircraft from GNSS. */
    GEOMETRIC,
    /** Computed by us from successive altitudes (see {@code VerticalRateDeriver}). */
    DERIVED,
    /** Reported, but the provider does not say from which sensor. */
    UNKNOWN
}
