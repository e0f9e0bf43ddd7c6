package org.sigmavrate.batching;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.forecast.LastSeen;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.tracking.StateStrings;
import org.sigmavrate.tracking.Trigger;

/**
 * A window snapshotted when its flight triggered, waiting for the next batched inference call. Snapshotting at the
 * trigger (not at inference) makes the window depend only on the input order, not on when the batch runs: the
 * basis of deterministic replays. The service keeps the queue in a changelogged store ({@link #encode}), so a crash
 * between trigger and inference loses nothing.
 *
 * @param window     the window to forecast
 * @param change     how much the flight changed since its previous window (priority under overload)
 * @param queuedAtMs wall-clock time the triggering report was processed (for the latency metric only)
 * @param trigger    why the flight was re-forecast ({@link Trigger}); null: not known (a window queued by a
 *                   release before the re-forecast policy)
 */
public record PendingWindow(ObservedWindow window, double change, long queuedAtMs, Trigger trigger) {
    /**
     * 1: strings by writeUTF (still read); 2: strings by {@link StateStrings} (no 65,535-byte limit; still read);
     * 3: and the aircraft's last callsign and position (still read); 4: and the trigger's label
     */
    private static final byte FORMAT = 4;

    /** A window whose trigger is not known. */
    public PendingWindow(ObservedWindow window, double change, long queuedAtMs) {
        this(window, change, queuedAtMs, null);
    }

    public String icao24() {
        return window.icao24();
    }

    /** Whether its trigger is news to consumers ({@link Trigger#urgent()}); a window of unknown trigger is not. */
    public boolean urgent() {
        return trigger != null && trigger.urgent();
    }

    /** This window (the newer data) answering {@code earlier}'s trigger, timed from when that one was queued. */
    public PendingWindow answering(PendingWindow earlier) {
        return new PendingWindow(window, change, earlier.queuedAtMs, earlier.trigger);
    }

    /** The same window of the same flight (snapshots are never edited, so the identity is enough). */
    public boolean sameWindowAs(PendingWindow other) {
        return window.lastReportTime() == other.window.lastReportTime()
                && window.window().startMillis() == other.window.window().startMillis()
                && window.window().flightId().equals(other.window.window().flightId());
    }

    /**
     * The windows in their stored form, format {@link #FORMAT}: written into one exactly sized buffer, the bytes a
     * DataOutputStream would write (big-endian, NaN as its canonical bits), as {@code FlightTrack#toBytes()}.
     */
    public static byte[] encode(List<PendingWindow> windows) {
        int size = 1 + 4;
        List<byte[]> strings = new ArrayList<>(windows.size() * 5);
        for (PendingWindow p : windows) {
            ObservedWindow w = p.window;
            GriddedFlight g = w.window();
            byte[][] own = {StateStrings.utf8(w.icao24()), StateStrings.utf8(g.flightId()),
                    StateStrings.utf8(g.dataSource() == null ? "" : g.dataSource()),
                    StateStrings.utf8(w.lastSeen().callsign()), StateStrings.utf8(p.trigger == null ? null : p.trigger.label())};
            for (byte[] u : own) {
                strings.add(u);
                size += StateStrings.size(u);
            }
            size += 6 * 8 + 4 + g.steps() * (8 + 8 + 1) + 2 * 8;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT);
        out.putInt(windows.size());
        int string = 0;
        for (PendingWindow p : windows) {
            ObservedWindow w = p.window;
            GriddedFlight g = w.window();
            StateStrings.put(out, strings.get(string++));
            StateStrings.put(out, strings.get(string++));
            StateStrings.put(out, strings.get(string++));
            out.putLong(g.startMillis());
            out.putLong(g.stepMillis());
            out.putLong(w.lastReportTime());
            out.putLong(w.seed());
            putDouble(out, p.change);
            out.putLong(p.queuedAtMs);
            out.putInt(g.steps());
            for (int s = 0; s < g.steps(); s++) {
                putDouble(out, g.value(s, Channel.VERTICAL_RATE));
                putDouble(out, g.value(s, Channel.ALTITUDE));
                out.put(g.rateFlags(s));
            }
            StateStrings.put(out, strings.get(string++));
            putDouble(out, w.lastSeen().latitudeDeg());
            putDouble(out, w.lastSeen().longitudeDeg());
            StateStrings.put(out, strings.get(string++));
        }
        return out.array();
    }

    /** As DataOutput.writeDouble: NaN as its canonical bits. */
    private static void putDouble(ByteBuffer out, double v) {
        out.putLong(Double.doubleToLongBits(v));
    }

    /**
     * The windows stored by {@link #encode} in any format from 1 on.
     *
     * @throws IllegalStateException on an unknown format or a count the bytes cannot hold; a RuntimeException on
     *                               bytes that end too soon
     */
    public static List<PendingWindow> decode(byte[] data) {
        if (data == null) {
            return new ArrayList<>();
        }
        ByteBuffer in = ByteBuffer.wrap(data);
        byte format = in.get();
        if (format < 1 || format > FORMAT) {
            throw new IllegalStateException("unknown pending window format " + format);
        }
        int n = in.getInt();
        if (n < 0 || n > in.remaining()) {
            throw new IllegalStateException(n + " pending windows in " + in.remaining() + " bytes");
        }
        List<PendingWindow> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String icao24 = readString(in, format);
            String flightId = readString(in, format);
            String ds = readString(in, format);
            long start = in.getLong();
            long step = in.getLong();
            long last = in.getLong();
            long seed = in.getLong();
            double change = in.getDouble();
            long queued = in.getLong();
            int steps = in.getInt();
            if (steps < 0 || (long) steps * 17 > in.remaining()) {
                throw new IllegalStateException("a window of " + steps + " steps in " + in.remaining() + " bytes");
            }
            double[] rates = new double[steps];
            double[] altitudes = new double[steps];
            byte[] flags = new byte[steps];
            for (int s = 0; s < steps; s++) {
                rates[s] = in.getDouble();
                altitudes[s] = in.getDouble();
                flags[s] = in.get();
            }
            LastSeen seen = format >= 3 ? new LastSeen(readString(in, format), in.getDouble(), in.getDouble())
                    : LastSeen.UNKNOWN;
            Trigger trigger = format >= 4 ? Trigger.ofLabel(readString(in, format)) : null;
            GriddedFlight g = new GriddedFlight(flightId, ds.isEmpty() ? null : ds, start, step, rates, altitudes,
                    flags);
            out.add(new PendingWindow(new ObservedWindow(icao24, g, last, seed, seen), change, queued, trigger));
        }
        return out;
    }

    private static String readString(ByteBuffer in, byte format) {
        return format == 1 ? StateStrings.getModifiedUtf8(in) : StateStrings.get(in);
    }
}
