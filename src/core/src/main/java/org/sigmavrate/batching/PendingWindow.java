package org.sigmavrate.batching;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    public static byte[] encode(List<PendingWindow> windows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(windows.size() * 1200);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            out.writeInt(windows.size());
            for (PendingWindow p : windows) {
                ObservedWindow w = p.window;
                GriddedFlight g = w.window();
                writeString(out, w.icao24());
                writeString(out, g.flightId());
                writeString(out, g.dataSource() == null ? "" : g.dataSource());
                out.writeLong(g.startMillis());
                out.writeLong(g.stepMillis());
                out.writeLong(w.lastReportTime());
                out.writeLong(w.seed());
                out.writeDouble(p.change);
                out.writeLong(p.queuedAtMs);
                out.writeInt(g.steps());
                for (int s = 0; s < g.steps(); s++) {
                    out.writeDouble(g.value(s, Channel.VERTICAL_RATE));
                    out.writeDouble(g.value(s, Channel.ALTITUDE));
                    out.writeByte(g.rateFlags(s));
                }
                writeString(out, w.lastSeen().callsign());
                out.writeDouble(w.lastSeen().latitudeDeg());
                out.writeDouble(w.lastSeen().longitudeDeg());
                writeString(out, p.trigger == null ? null : p.trigger.label());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static List<PendingWindow> decode(byte[] data) {
        if (data == null) {
            return new ArrayList<>();
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            byte format = in.readByte();
            if (format < 1 || format > FORMAT) {
                throw new IllegalStateException("unknown pending window format " + format);
            }
            int n = in.readInt();
            List<PendingWindow> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String icao24 = readString(in, format);
                String flightId = readString(in, format);
                String ds = readString(in, format);
                long start = in.readLong();
                long step = in.readLong();
                long last = in.readLong();
                long seed = in.readLong();
                double change = in.readDouble();
                long queued = in.readLong();
                int steps = in.readInt();
                double[] rates = new double[steps];
                double[] altitudes = new double[steps];
                byte[] flags = new byte[steps];
                for (int s = 0; s < steps; s++) {
                    rates[s] = in.readDouble();
                    altitudes[s] = in.readDouble();
                    flags[s] = in.readByte();
                }
                LastSeen seen = format >= 3 ? new LastSeen(readString(in, format), in.readDouble(), in.readDouble())
                        : LastSeen.UNKNOWN;
                Trigger trigger = format >= 4 ? Trigger.ofLabel(readString(in, format)) : null;
                GriddedFlight g = new GriddedFlight(flightId, ds.isEmpty() ? null : ds, start, step, rates, altitudes,
                        flags);
                out.add(new PendingWindow(new ObservedWindow(icao24, g, last, seed, seen), change, queued, trigger));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        StateStrings.write(out, s);
    }

    private static String readString(DataInputStream in, byte format) throws IOException {
        return format == 1 ? in.readUTF() : StateStrings.read(in);
    }
}
