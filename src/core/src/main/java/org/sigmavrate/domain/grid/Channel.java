package org.sigmavrate.domain.grid;

/** The two values a grid step carries. The ordinal is the channel index of the spec. */
public enum Channel {
    VERTICAL_RATE("vertical_rate", "ft/min"),
    ALTITUDE("altitude", "ft");

    private final String specName;
    private final String unit;

    Channel(String specName, String unit) {
        this.specName = specName;
        this.unit = unit;
    }

    public String specName() {
        return specName;
    }

    public String unit() {
        return unit;
    }

    public static final int COUNT = values().length;
}
