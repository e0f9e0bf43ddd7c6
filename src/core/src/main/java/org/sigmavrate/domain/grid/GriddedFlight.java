package org.sigmavrate.domain.grid;

import java.util.Arrays;

/**
 * A flight placed on the regular grid: per step and channel the value of the nearest report within half a step,
 * or NaN. Step {@code k} is at {@code startMillis + k * stepMillis}.
 */
public final class GriddedFlight {
    /** Flag bits per step describing where the rate came from. */
    public static final byte RATE_REPORTED = 1;
    public static final byte RATE_DERIVED = 2;

    private final String flightId;
    private final String dataSource;
    private final long startMillis;
    private final long stepMillis;
    private final double[][] values;
    private final byte[] rateFlags;

    public GriddedFlight(String flightId, String dataSource, long startMillis, long stepMillis, double[] rates,
            double[] altitudes, byte[] rateFlags) {
        if (rates.length != altitudes.length || rates.length != rateFlags.length) {
            throw new IllegalArgumentException("channels must have one value per step");
        }
        this.flightId = flightId;
        this.dataSource = dataSource;
        this.startMillis = startMillis;
        this.stepMillis = stepMillis;
        this.values = new double[][] {rates.clone(), altitudes.clone()};
        this.rateFlags = rateFlags.clone();
    }

    public String flightId() {
        return flightId;
    }

    public String dataSource() {
        return dataSource;
    }

    public long startMillis() {
        return startMillis;
    }

    public long stepMillis() {
        return stepMillis;
    }

    public int steps() {
        return rateFlags.length;
    }

    public long timeOf(int step) {
        return startMillis + step * stepMillis;
    }

    public double value(int step, Channel channel) {
        return values[channel.ordinal()][step];
    }

    public boolean has(int step, Channel channel) {
        return !Double.isNaN(values[channel.ordinal()][step]);
    }

    public byte rateFlags(int step) {
        return rateFlags[step];
    }

    /** Steps {@code [from, from + length)} as a flight of their own, starting at step {@code from}'s time. */
    public GriddedFlight slice(int from, int length) {
        return new GriddedFlight(flightId, dataSource, timeOf(from), stepMillis,
                Arrays.copyOfRange(values[0], from, from + length), Arrays.copyOfRange(values[1], from, from + length),
                Arrays.copyOfRange(rateFlags, from, from + length));
    }

    public int countWith(Channel channel) {
        int n = 0;
        for (double v : values[channel.ordinal()]) {
            if (!Double.isNaN(v)) {
                n++;
            }
        }
        return n;
    }
}
