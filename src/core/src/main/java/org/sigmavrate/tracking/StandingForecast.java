package org.sigmavrate.tracking;

import java.nio.ByteBuffer;

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

    /** Bytes {@link #put} writes. */
    int bytes(long trackFlightStart, long latest) {
        return Varints.sizeOfSigned(trackFlightStart - flightStart) + Varints.sizeOfSigned(latest - lastReportTime)
                + Varints.sizeOfSigned(firstStepTime - lastReportTime) + Varints.sizeOfUnsigned(stepMillis) + 1
                + Varints.sizeOfUnsigned(low.length) + low.length * 8;
    }

    /**
     * Its part of the flight's stored state ({@link FlightTrack#toBytes()}, format 5): its times as varints from
     * the track's (about 8 bytes instead of 32), the bands as the forecaster's floats: a model's quantiles are not
     * whole numbers, and a band is NaN only at an observed step, which the steps after the latest report are not.
     */
    void put(ByteBuffer out, long trackFlightStart, long latest) {
        Varints.putSigned(out, trackFlightStart - flightStart);
        Varints.putSigned(out, latest - lastReportTime);
        Varints.putSigned(out, firstStepTime - lastReportTime);
        Varints.putUnsigned(out, stepMillis);
        out.put((byte) (phase == null ? -1 : phase.ordinal()));
        Varints.putUnsigned(out, low.length);
        for (int i = 0; i < low.length; i++) {
            FlightTrack.putFloat(out, low[i]);
            FlightTrack.putFloat(out, high[i]);
        }
    }

    /** As {@link #put} wrote it. */
    static StandingForecast get(ByteBuffer in, long trackFlightStart, long latest) {
        long flightStart = trackFlightStart - Varints.getSigned(in);
        long lastReportTime = latest - Varints.getSigned(in);
        long firstStepTime = lastReportTime + Varints.getSigned(in);
        long stepMillis = Varints.getUnsigned(in);
        byte phase = in.get();
        return bands(in, flightStart, lastReportTime, firstStepTime, stepMillis, phase, Varints.getUnsigned(in));
    }

    /** As format 4 of the flight's state wrote it. */
    static StandingForecast get(ByteBuffer in) {
        long flightStart = in.getLong();
        long lastReportTime = in.getLong();
        long firstStepTime = in.getLong();
        long stepMillis = in.getLong();
        byte phase = in.get();
        return bands(in, flightStart, lastReportTime, firstStepTime, stepMillis, phase, in.getInt());
    }

    private static StandingForecast bands(ByteBuffer in, long flightStart, long lastReportTime, long firstStepTime,
            long stepMillis, byte phase, long n) {
        if (n < 0 || n > 100_000 || n * 8L > in.remaining()) {
            throw new IllegalStateException("standing forecast of " + n + " steps");
        }
        float[] low = new float[(int) n];
        float[] high = new float[(int) n];
        for (int i = 0; i < n; i++) {
            low[i] = in.getFloat();
            high[i] = in.getFloat();
        }
        return new StandingForecast(flightStart, lastReportTime, firstStepTime, stepMillis, low, high,
                phase < 0 ? null : FlightPhase.values()[phase]);
    }
}
