package org.sigmavrate.tracking;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.GriddedFlight;

/**
 * What the re-forecast policy keeps of a flight's latest published forecast: when it was made, the vertical rate's
 * central band per forecast step, and the flight phase it was published in. About 100 bytes for the service's
 * 12 forecast steps, kept in the flight's {@link FlightTrack} state.
 *
 * @param flightStart    the flight it is a forecast of
 * @param lastReportTime time of the latest report it saw
 * @param firstStepTime  time of its first forecast step: the first grid step after the latest report's step
 * @param stepMillis     grid step
 * @param low            per forecast step: the band's lower bound, ft/min; NaN where the step was observed
 * @param high           per forecast step: the band's upper bound, ft/min
 * @param phase          the flight's phase when it was published (null: not known)
 */
public record StandingForecast(long flightStart, long lastReportTime, long firstStepTime, long stepMillis,
        float[] low, float[] high, FlightPhase phase) {

    public StandingForecast {
        if (low.length != high.length || stepMillis <= 0) {
            throw new IllegalArgumentException("one band per step, step > 0");
        }
    }

    /**
     * The standing forecast of a published one.
     *
     * @param flightStart the flight's start (the forecast's window is on the flight's grid)
     * @param phase       the flight's phase at publication
     * @throws IllegalArgumentException when the forecast lacks the band's quantile levels
     */
    public static StandingForecast of(WindowForecast forecast, long flightStart, FlightPhase phase,
            ReforecastRules rules) {
        int[] band = rules.bandIndices(forecast.quantileLevels());
        GriddedFlight window = forecast.request().window();
        long last = forecast.request().lastReportTime();
        long step = window.stepMillis();
        int first = window.steps();
        for (int s = 0; s < window.steps(); s++) {
            // a report belongs to the step nearest its time: the steps after the latest report's own step
            if (window.timeOf(s) - step / 2 > last) {
                first = s;
                break;
            }
        }
        int n = window.steps() - first;
        ChannelForecast rate = forecast.rate();
        float[] low = new float[n];
        float[] high = new float[n];
        for (int i = 0; i < n; i++) {
            int s = first + i;
            boolean open = !rate.observed()[s];
            low[i] = open ? (float) rate.quantiles()[s][band[0]] : Float.NaN;
            high[i] = open ? (float) rate.quantiles()[s][band[1]] : Float.NaN;
        }
        return new StandingForecast(flightStart, last, window.timeOf(0) + first * step, step, low, high, phase);
    }

    /** The last time it has a band for (its window's end). */
    public long endTime() {
        return firstStepTime + (low.length - 1L) * stepMillis;
    }

    /**
     * @return whether a report's rate at {@code timeMillis} is more than {@code toleranceFpm} outside the band of its
     *         grid step; false where the forecast has no band (before its first forecast step, after its window, or
     *         a NaN rate)
     */
    public boolean outsideBand(long timeMillis, double rateFpm, double toleranceFpm) {
        if (Double.isNaN(rateFpm)) {
            return false;
        }
        long i = Math.floorDiv(timeMillis - firstStepTime + stepMillis / 2, stepMillis);
        if (i < 0 || i >= low.length || Float.isNaN(low[(int) i]) || Float.isNaN(high[(int) i])) {
            return false;
        }
        return rateFpm < low[(int) i] - toleranceFpm || rateFpm > high[(int) i] + toleranceFpm;
    }

    void write(DataOutput out) throws IOException {
        out.writeLong(flightStart);
        out.writeLong(lastReportTime);
        out.writeLong(firstStepTime);
        out.writeLong(stepMillis);
        out.writeByte(phase == null ? -1 : phase.ordinal());
        out.writeInt(low.length);
        for (int i = 0; i < low.length; i++) {
            out.writeFloat(low[i]);
            out.writeFloat(high[i]);
        }
    }

    static StandingForecast read(DataInput in) throws IOException {
        long flightStart = in.readLong();
        long lastReportTime = in.readLong();
        long firstStepTime = in.readLong();
        long stepMillis = in.readLong();
        byte phase = in.readByte();
        int n = in.readInt();
        if (n < 0 || n > 100_000) {
            throw new IOException("standing forecast of " + n + " steps");
        }
        float[] low = new float[n];
        float[] high = new float[n];
        for (int i = 0; i < n; i++) {
            low[i] = in.readFloat();
            high[i] = in.readFloat();
        }
        return new StandingForecast(flightStart, lastReportTime, firstStepTime, stepMillis, low, high,
                phase < 0 ? null : FlightPhase.values()[phase]);
    }
}
