package org.sigmavrate.tracking;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.flight.FlightSegmenter;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.flight.VerticalRateSource;
import org.sigmavrate.domain.forecast.LastSeen;
import org.sigmavrate.domain.forecast.WindowForecast;

/**
 * The state of one aircraft: its current flight segment and, per grid step of that flight (steps of the flight's
 * own grid, from its first report), the report nearest the step's time for each channel, kept only for the steps
 * a window can still reach. One slot per step instead of every report keeps the state small (a window's worth of
 * slots, about 0.6 kB stored) however often the aircraft reports, and is exactly what {@code GridPlacer} would pick.
 * Pure logic: the service keeps it in a state store as {@link #toBytes()}.
 *
 * <p>It also decides when the flight gets a new forecast ({@link TrackRules#reforecast()}, see
 * {@link ReforecastRules}): {@link #accept} returns {@link Outcome#TRIGGERED} with {@link #trigger()} saying why, or
 * {@link Outcome#CONFIRMED} where the cadence was due but the standing forecast stands; each published forecast is
 * handed back with {@link #published}.
 */
public final class FlightTrack {
    public static final long NONE = Long.MIN_VALUE;
    /**
     * 1: data source by writeUTF (still read); 2: data source by {@link StateStrings}, and the held report (still
     * read); 3: and the last callsign and position (still read); 4: and the re-forecast policy's state (the last
     * time the cadence was due, the flight phase, the standing forecast; still read); 5: the same state in about
     * a third of the bytes (times as varints from the latest report's, slot steps as deltas, report values as whole
     * numbers where they are, a channel without a report left out), the latest report's time first
     */
    private static final byte FORMAT = 5;
    /** flags of format 5's header */
    private static final int HELD = 1;
    private static final int HELD_FRESH = 2;
    private static final int STANDING = 4;
    private static final int TRIGGERED = 8;
    private static final int DUE = 16;
    /** flags of a format-5 slot: which channels it writes, and an altitude at the rate's time */
    private static final int RATE = 1;
    private static final int ALTITUDE = 2;
    private static final int SAME_OFFSET = 4;
    /** a slot's flags hold its rate source plus one in their top three bits, or this: a byte of it follows */
    private static final int SOURCE_ESCAPE = 7;

    /** What {@link #accept} did with a report. */
    public enum Outcome {
        /** used; no window due */
        ACCEPTED,
        /** used, and the flight is due for a window now; {@link #trigger()} says why */
        TRIGGERED,
        /**
         * used; the cadence was due, but nothing changed since the standing forecast (see {@link ReforecastRules}):
         * it stands, no window. Only under {@link ReforecastRules.Mode#CHANGES}
         */
        CONFIRMED,
        /** older than the grace allows, or before the flight started: counted and dropped */
        LATE,
        /** on the ground, or neither vertical rate nor altitude: nothing to place */
        IGNORED,
        /**
         * more than the grace ahead of the flight's latest report: kept aside, not used yet. A second report near it
         * confirms it (the aircraft was silent, or a new flight began) and both are used; if the flight's own reports
         * reach its time first, it was a clock error and is dropped.
         */
        HELD
    }

    /** One grid step's chosen reports per channel; times are offsets from the step's time, values floats. */
    static final class Slot {
        final long step;
        int rateOffset;
        float rate = Float.NaN;
        byte rateSource = -1;
        int altitudeOffset;
        float altitude = Float.NaN;

        Slot(long step) {
            this.step = step;
        }
    }

    private final String icao24;
    private String dataSource;
    private long flightStart = NONE;
    private long latest = NONE;
    private long reportsInFlight;
    private long lastTriggerLatest = NONE;
    private float lastTriggerRate = Float.NaN;
    private float lastTriggerAltitude = Float.NaN;
    /** the last trigger or confirmation: the cadence is counted from it */
    private long lastDueLatest = NONE;
    /** from the newest reports' rates, with hysteresis; null before the first rate */
    private FlightPhase phase;
    /** the latest published forecast of this flight, or null */
    private StandingForecast standing;
    /** why the last {@link Outcome#TRIGGERED} triggered; not stored */
    private Trigger trigger;
    private final ArrayList<Slot> slots = new ArrayList<>();
    /** the report held aside (see {@link Outcome#HELD}): its time, or NONE, and its values */
    private long heldTime = NONE;
    private float heldRate = Float.NaN;
    private byte heldRateSource = -1;
    private float heldAltitude = Float.NaN;
    /** no report has come since the held one */
    private boolean heldFresh;
    /** the aircraft's, not the flight's: kept across flights */
    private String callsign;
    private double latitude = Double.NaN;
    private double longitude = Double.NaN;

    public FlightTrack(String icao24) {
        this.icao24 = icao24;
    }

    public String icao24() {
        return icao24;
    }

    public long flightStart() {
        return flightStart;
    }

    public String flightId() {
        return flightStart == NONE ? null : FlightSegmenter.flightId(icao24, flightStart);
    }

    public long latest() {
        return latest;
    }

    public int slotCount() {
        return slots.size();
    }

    /**
     * Takes one report of this aircraft. A single report far ahead of the others (a receiver's or a feed's bad clock)
     * must not move the flight's latest time: that would make every correct report after it late for as long as it
     * is ahead. So the latest time only jumps by more than the grace when two reports agree on the jump, and a flight
     * of one report gives way to an earlier report (its one report may be the bad one).
     */
    public Outcome accept(Report r, TrackRules rules) {
        return accept(r, rules, NONE);
    }

    /**
     * As {@link #accept(Report, TrackRules)}, with a time the report can be checked against: the latest event time
     * the caller has accepted from any aircraft (its partition's other aircraft are on the same clock). A report more
     * than the grace ahead of its flight but not ahead of that time is a flight coming back from a silence, not a
     * bad clock: it is used at once instead of waiting for a second report. {@link #NONE}: no such time, every jump
     * waits for a second report.
     */
    public Outcome accept(Report r, TrackRules rules, long othersLatest) {
        if (Boolean.TRUE.equals(r.onGround()) || (!r.hasVerticalRate() && !r.hasBaroAltitude())) {
            return Outcome.IGNORED;
        }
        long t = r.timeMillis();
        long grace = rules.graceMillis();
        if (flightStart == NONE) {
            startFlight(t);
            return place(r, rules);
        }
        if (t > latest + grace && (othersLatest == NONE || t > othersLatest + grace)) {
            if (heldTime != NONE && Math.abs(t - heldTime) <= grace) {
                Report held = heldReport();
                clearHeld();
                boolean heldFirst = held.timeMillis() <= t;
                return both(place(heldFirst ? held : r, rules), place(heldFirst ? r : held, rules));
            }
            hold(r);
            return Outcome.HELD;
        }
        if (heldTime != NONE && heldTime <= t + grace) {
            Report held = heldReport();
            boolean bridged = heldFresh;
            clearHeld();
            if (bridged) {
                // the very next report fills the gap up to the held one: they came out of order, both are good
                return both(place(r, rules), place(held, rules));
            }
            // the flight's own reports went on and reached the held one's time, none near it before: a clock error
        } else if (heldTime != NONE) {
            heldFresh = false;
        }
        if ((t < latest - grace || t < flightStart) && reportsInFlight == 1 && heldTime == NONE) {
            // a flight of one report, and this one far before it: that one is the suspect, not this one
            Report lone = reportsFrom(0, rules.grid().stepMillis()).get(0);
            startFlight(t);
            Outcome outcome = place(r, rules);
            hold(lone);
            return outcome;
        }
        return place(r, rules);
    }

    /** What two reports placed at once did: triggered if either did. */
    private static Outcome both(Outcome first, Outcome second) {
        return first == Outcome.TRIGGERED || second == Outcome.TRIGGERED ? Outcome.TRIGGERED
                : first == Outcome.CONFIRMED || second == Outcome.CONFIRMED ? Outcome.CONFIRMED
                : first == Outcome.ACCEPTED || second == Outcome.ACCEPTED ? Outcome.ACCEPTED : Outcome.LATE;
    }

    private Outcome place(Report r, TrackRules rules) {
        long t = r.timeMillis();
        if (t > latest + rules.maxGapMillis()) {
            startFlight(t);
        } else if (t < latest - rules.graceMillis() || t < flightStart) {
            return Outcome.LATE;
        }
        long stepMillis = rules.grid().stepMillis();
        long step = Math.floorDiv(t - flightStart + stepMillis / 2, stepMillis);
        int offset = (int) (t - (flightStart + step * stepMillis));
        long oldest = oldestUsefulStep(Math.max(latest, t), rules);
        if (step < oldest) {
            return Outcome.LATE;
        }
        Slot slot = slot(step);
        if (r.hasVerticalRate() && (Float.isNaN(slot.rate) || closer(offset, slot.rateOffset))) {
            slot.rate = (float) r.verticalRateFpm();
            slot.rateOffset = offset;
            slot.rateSource = (byte) (r.verticalRateSource() == null ? -1 : r.verticalRateSource().ordinal());
        }
        if (r.hasBaroAltitude() && (Float.isNaN(slot.altitude) || closer(offset, slot.altitudeOffset))) {
            slot.altitude = (float) r.baroAltitudeFt();
            slot.altitudeOffset = offset;
        }
        if (dataSource == null) {
            dataSource = r.dataSource();
        }
        reportsInFlight++;
        if (t > latest) {
            latest = t;
            evictBefore(oldestUsefulStep(latest, rules));
        }
        remember(r, t == latest);
        if (t == latest && r.hasVerticalRate()) {
            phase = FlightPhase.next(phase, r.verticalRateFpm(), rules.reforecast());
        }
        return reportsInFlight < rules.minReports() ? Outcome.ACCEPTED : decide(r, rules);
    }

    /** The re-forecast policy at a placed report (see {@link ReforecastRules}). */
    private Outcome decide(Report r, TrackRules rules) {
        boolean cadenceDue = lastDueLatest == NONE || latest - lastDueLatest >= rules.cadenceMillis();
        if (!rules.reforecast().onChanges()) {
            return cadenceDue ? triggered(Trigger.CADENCE) : Outcome.ACCEPTED;
        }
        Trigger why = reason(r, rules.reforecast());
        if (why != null) {
            return triggered(why);
        }
        if (cadenceDue) {
            lastDueLatest = latest;
            return Outcome.CONFIRMED;
        }
        return Outcome.ACCEPTED;
    }

    private Outcome triggered(Trigger why) {
        trigger = why;
        return Outcome.TRIGGERED;
    }

    /** Why the flight needs a new forecast at this report, or null: its standing one stands. */
    private Trigger reason(Report r, ReforecastRules policy) {
        boolean hasStanding = standing != null && standing.flightStart() == flightStart;
        boolean inFlight = lastTriggerLatest != NONE && (!hasStanding || lastTriggerLatest > standing.lastReportTime());
        if (inFlight) {
            // a forecast is on its way; one that has not come in the max age may have failed: ask again
            return latest - lastTriggerLatest < policy.maxAgeMillis() ? null
                    : hasStanding ? Trigger.MAX_AGE : Trigger.FIRST;
        }
        if (!hasStanding) {
            return Trigger.FIRST;
        }
        if (latest - standing.lastReportTime() >= policy.maxAgeMillis()) {
            return Trigger.MAX_AGE;
        }
        if (lastTriggerLatest != NONE && latest - lastTriggerLatest < policy.minSpacingMillis()) {
            return null;
        }
        if (phase != null && standing.phase() != null && phase != standing.phase()) {
            return Trigger.PHASE_CHANGE;
        }
        if (r.hasVerticalRate() && standing.outsideBand(r.timeMillis(), r.verticalRateFpm(), policy.bandToleranceFpm())) {
            return Trigger.LEFT_BAND;
        }
        return null;
    }

    /** Why the last {@link Outcome#TRIGGERED} of {@link #accept} triggered (null before any). */
    public Trigger trigger() {
        return trigger;
    }

    /** The flight's phase from its newest reports' rates, or null before any rate. */
    public FlightPhase phase() {
        return phase;
    }

    /** The standing forecast of the current flight, or null: none published yet (or one of a previous flight). */
    public StandingForecast standing() {
        return standing != null && standing.flightStart() == flightStart ? standing : null;
    }

    /**
     * Hands the track a forecast that has been published, so that the re-forecast policy compares later reports with
     * it ({@link ReforecastRules}). Ignored when it is of another flight (the aircraft started a new one meanwhile) or
     * not newer than the standing forecast (outputs of one aircraft may finish out of order).
     *
     * <p>Use without Kafka: for each report, {@code accept(report, rules)}; on {@link Outcome#TRIGGERED} note
     * {@link #trigger()}, build the window (streaming's WindowAssembler) and call {@link #markTriggered()}; forecast
     * it, then {@code published(forecast, rules.reforecast())}. {@link Outcome#CONFIRMED} counts a skipped pass.
     *
     * @return whether it became the standing forecast
     * @throws IllegalArgumentException when the forecast lacks the rules' band levels
     */
    public boolean published(WindowForecast forecast, ReforecastRules rules) {
        if (flightStart == NONE || !icao24.equals(forecast.request().icao24())
                || !java.util.Objects.equals(flightId(), forecast.request().window().flightId())) {
            return false;
        }
        long last = forecast.request().lastReportTime();
        StandingForecast current = standing();
        if (current != null && last <= current.lastReportTime()) {
            return false;
        }
        standing = StandingForecast.of(forecast, flightStart, phase, rules);
        return true;
    }

    /**
     * Keeps the callsign and position of the flight's latest report, or of any report while none is known; an older
     * report that came late does not move them back. Only placed reports count: a held one may have a bad clock.
     */
    private void remember(Report r, boolean isLatest) {
        if (r.callsign() != null && (isLatest || callsign == null)) {
            callsign = r.callsign();
        }
        boolean hasPosition = !Double.isNaN(r.latitudeDeg()) && !Double.isNaN(r.longitudeDeg());
        if (hasPosition && (isLatest || Double.isNaN(latitude))) {
            latitude = r.latitudeDeg();
            longitude = r.longitudeDeg();
        }
    }

    /** The aircraft's latest callsign and position among the reports used. */
    public LastSeen lastSeen() {
        return new LastSeen(callsign, latitude, longitude);
    }

    /** The time of the report held aside, or {@link #NONE}. */
    public long heldTime() {
        return heldTime;
    }

    private void hold(Report r) {
        heldTime = r.timeMillis();
        heldRate = (float) r.verticalRateFpm();
        heldRateSource = (byte) (r.verticalRateSource() == null ? -1 : r.verticalRateSource().ordinal());
        heldAltitude = (float) r.baroAltitudeFt();
        heldFresh = true;
    }

    private void clearHeld() {
        heldTime = NONE;
        heldRate = Float.NaN;
        heldRateSource = -1;
        heldAltitude = Float.NaN;
        heldFresh = false;
    }

    private Report heldReport() {
        VerticalRateSource source = Float.isNaN(heldRate) ? null
                : heldRateSource >= 0 ? VerticalRateSource.values()[heldRateSource] : VerticalRateSource.UNKNOWN;
        return report(heldTime, heldAltitude, heldRate, source);
    }

    /**
     * Marks a trigger at the current latest report and returns how much the flight changed since the previous
     * one (ft/min of rate plus ft/min of altitude change): the priority of its window when the service is over
     * capacity. Infinite for a flight's first window.
     */
    public double markTriggered() {
        float rate = Float.NaN;
        float altitude = Float.NaN;
        for (int i = slots.size() - 1; i >= 0 && (Float.isNaN(rate) || Float.isNaN(altitude)); i--) {
            if (Float.isNaN(rate)) {
                rate = slots.get(i).rate;
            }
            if (Float.isNaN(altitude)) {
                altitude = slots.get(i).altitude;
            }
        }
        double change;
        if (lastTriggerLatest == NONE) {
            change = Double.POSITIVE_INFINITY;
        } else {
            double minutes = Math.max(latest - lastTriggerLatest, 1) / 60_000.0;
            double rateChange = Float.isNaN(rate) || Float.isNaN(lastTriggerRate) ? 0 : Math.abs(rate - lastTriggerRate);
            double climb = Float.isNaN(altitude) || Float.isNaN(lastTriggerAltitude) ? 0
                    : Math.abs(altitude - lastTriggerAltitude) / minutes;
            change = rateChange + climb;
        }
        lastTriggerLatest = latest;
        lastDueLatest = latest;
        lastTriggerRate = rate;
        lastTriggerAltitude = altitude;
        return change;
    }

    /** Grid-step index (of this flight's grid) of the last step of the window ending at latest + horizon. */
    static long endStep(long flightStart, long latest, TrackRules rules) {
        long stepMillis = rules.grid().stepMillis();
        return Math.floorDiv(latest + rules.horizonMillis() - flightStart + stepMillis - 1, stepMillis);
    }

    /**
     * First step of the window ending at latest + horizon: the rules' window length back from its end, but never
     * before the flight's first step. Steps before the aircraft was first seen would only be guessed backwards from
     * its first reports; leaving them out keeps a young flight's window short (and its density pass cheap) instead
     * of padding it with positions nobody reads.
     */
    public long windowStartStep(TrackRules rules) {
        return Math.max(0, endStep(flightStart, latest, rules) - (rules.windowSteps() - 1));
    }

    /** Number of steps of the window at the latest report: the rules' window length, less for a young flight. */
    public int windowSteps(TrackRules rules) {
        return (int) (endStep(flightStart, latest, rules) - windowStartStep(rules) + 1);
    }

    private long oldestUsefulStep(long latestTime, TrackRules rules) {
        // two extra steps so that the cleaner and the rate deriver see neighbours of the first step
        return endStep(flightStart, latestTime, rules) - (rules.windowSteps() - 1) - 2;
    }

    /** The chosen reports of the steps from {@code fromStep} on, in time order, as reports of this aircraft. */
    public List<Report> reportsFrom(long fromStep, long stepMillis) {
        List<Report> out = new ArrayList<>(slots.size() * 2);
        for (Slot s : slots) {
            if (s.step < fromStep) {
                continue;
            }
            long stepTime = flightStart + s.step * stepMillis;
            boolean hasRate = !Float.isNaN(s.rate);
            boolean hasAltitude = !Float.isNaN(s.altitude);
            VerticalRateSource source = hasRate && s.rateSource >= 0 ? VerticalRateSource.values()[s.rateSource]
                    : hasRate ? VerticalRateSource.UNKNOWN : null;
            if (hasRate && hasAltitude && s.rateOffset == s.altitudeOffset) {
                out.add(report(stepTime + s.rateOffset, s.altitude, s.rate, source));
            } else {
                Report rate = hasRate ? report(stepTime + s.rateOffset, Double.NaN, s.rate, source) : null;
                Report altitude = hasAltitude ? report(stepTime + s.altitudeOffset, s.altitude, Double.NaN, null) : null;
                if (rate != null && altitude != null && altitude.timeMillis() < rate.timeMillis()) {
                    out.add(altitude);
                    out.add(rate);
                } else {
                    if (rate != null) {
                        out.add(rate);
                    }
                    if (altitude != null) {
                        out.add(altitude);
                    }
                }
            }
        }
        return out;
    }

    private Report report(long time, double altitude, double rate, VerticalRateSource source) {
        return new Report(icao24, time, Double.NaN, Double.NaN, altitude, Double.NaN, rate, source, Double.NaN,
                Double.NaN, null, null, dataSource, null);
    }

    public String dataSource() {
        return dataSource;
    }

    private static boolean closer(int offset, int current) {
        int a = Math.abs(offset);
        int b = Math.abs(current);
        return a < b || (a == b && offset < current);
    }

    private void startFlight(long t) {
        flightStart = t;
        latest = t;
        reportsInFlight = 0;
        lastTriggerLatest = NONE;
        lastDueLatest = NONE;
        lastTriggerRate = Float.NaN;
        lastTriggerAltitude = Float.NaN;
        phase = null;
        standing = null;
        slots.clear();
    }

    private Slot slot(long step) {
        int lo = 0;
        int hi = slots.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = slots.get(mid).step;
            if (s < step) {
                lo = mid + 1;
            } else if (s > step) {
                hi = mid - 1;
            } else {
                return slots.get(mid);
            }
        }
        Slot created = new Slot(step);
        slots.add(lo, created);
        return created;
    }

    private void evictBefore(long step) {
        int n = 0;
        while (n < slots.size() && slots.get(n).step < step) {
            n++;
        }
        if (n > 0) {
            slots.subList(0, n).clear();
        }
    }

    /**
     * The state in its stored form, format {@link #FORMAT}. Written into one exactly sized buffer: the service writes
     * it at every report, and a stream per value (DataOutputStream over ByteArrayOutputStream: a synchronized call
     * per byte of each int and float) cost more than the rest of the report's work. Its size is the producer's and
     * the changelog's work per report too: times are varints from the latest report's time, which comes first at a
     * fixed place for {@link #latestOf}, and a slot of an ADS-B report takes 7 or 8 bytes instead of format 4's 25
     * ({@link #putSlot}).
     */
    public byte[] toBytes() {
        byte[] source = StateStrings.utf8(dataSource);
        byte[] sign = StateStrings.utf8(callsign);
        boolean held = heldTime != NONE;
        int size = 1 + 8 + 1 + StateStrings.size(source) + Varints.sizeOfSigned(latest - flightStart)
                + Varints.sizeOfUnsigned(reportsInFlight)
                + (lastTriggerLatest != NONE ? Varints.sizeOfSigned(latest - lastTriggerLatest) : 0)
                + (lastDueLatest != NONE ? Varints.sizeOfSigned(latest - lastDueLatest) : 0)
                + Varints.sizeOfValue(lastTriggerRate) + Varints.sizeOfValue(lastTriggerAltitude)
                + Varints.sizeOfUnsigned(slots.size()) + slotsSize()
                + (held ? Varints.sizeOfSigned(latest - heldTime) + Varints.sizeOfValue(heldRate) + 1
                        + Varints.sizeOfValue(heldAltitude) : 0)
                + StateStrings.size(sign) + 2 * 8 + 1 + (standing != null ? standing.bytes(flightStart, latest) : 0);
        ByteBuffer out = ByteBuffer.allocate(size);
        out.put(FORMAT);
        out.putLong(latest);
        out.put((byte) ((held ? HELD : 0) | (heldFresh ? HELD_FRESH : 0) | (standing != null ? STANDING : 0)
                | (lastTriggerLatest != NONE ? TRIGGERED : 0) | (lastDueLatest != NONE ? DUE : 0)));
        StateStrings.put(out, source);
        Varints.putSigned(out, latest - flightStart);
        Varints.putUnsigned(out, reportsInFlight);
        if (lastTriggerLatest != NONE) {
            Varints.putSigned(out, latest - lastTriggerLatest);
        }
        if (lastDueLatest != NONE) {
            Varints.putSigned(out, latest - lastDueLatest);
        }
        Varints.putValue(out, lastTriggerRate);
        Varints.putValue(out, lastTriggerAltitude);
        Varints.putUnsigned(out, slots.size());
        byte[] array = out.array();
        int at = out.position();
        long previous = 0;
        for (Slot s : slots) {
            at = putSlot(array, at, s, previous);
            previous = s.step;
        }
        out.position(at);
        if (held) {
            Varints.putSigned(out, latest - heldTime);
            Varints.putValue(out, heldRate);
            out.put(heldRateSource);
            Varints.putValue(out, heldAltitude);
        }
        StateStrings.put(out, sign);
        putDouble(out, latitude);
        putDouble(out, longitude);
        out.put((byte) (phase == null ? -1 : phase.ordinal()));
        if (standing != null) {
            standing.put(out, flightStart, latest);
        }
        if (out.hasRemaining()) {
            throw new IllegalStateException("flight state sized " + size + ", written " + out.position());
        }
        return out.array();
    }

    private int slotsSize() {
        int size = 0;
        long previous = 0;
        for (Slot s : slots) {
            size += slotSize(s, previous);
            previous = s.step;
        }
        return size;
    }

    /** Whether a slot has a rate: a NaN rate at offset 0 is how {@link Slot} starts, and is left out. */
    private static boolean hasRate(Slot s) {
        return !Float.isNaN(s.rate) || s.rateOffset != 0;
    }

    private static boolean hasAltitude(Slot s) {
        return !Float.isNaN(s.altitude) || s.altitudeOffset != 0;
    }

    private static int slotFlags(Slot s) {
        boolean rate = hasRate(s);
        boolean altitude = hasAltitude(s);
        int source = s.rateSource >= -1 && s.rateSource < SOURCE_ESCAPE - 1 ? s.rateSource + 1 : SOURCE_ESCAPE;
        return (rate ? RATE : 0) | (altitude ? ALTITUDE : 0)
                | (rate && altitude && s.rateOffset == s.altitudeOffset ? SAME_OFFSET : 0) | source << 3;
    }

    private static int slotSize(Slot s, long previousStep) {
        int flags = slotFlags(s);
        return 1 + Varints.sizeOfUnsigned(s.step - previousStep)
                + ((flags & RATE) != 0 ? Varints.sizeOfSigned(s.rateOffset) + Varints.sizeOfValue(s.rate) : 0)
                + ((flags & ALTITUDE) != 0 ? Varints.sizeOfValue(s.altitude)
                        + ((flags & SAME_OFFSET) == 0 ? Varints.sizeOfSigned(s.altitudeOffset) : 0) : 0)
                + ((flags >>> 3) == SOURCE_ESCAPE ? 1 : 0);
    }

    /**
     * A slot in format 5: its flags, its step as the steps since the previous slot's (a flight's slots are mostly
     * consecutive steps: one byte), then per channel present its offset and value ({@link Varints}); an altitude of
     * the same report as the rate (ADS-B sends both in one message) shares the rate's offset. Every field of the slot
     * comes back as it was: a channel is left out only when it is as a new slot's (NaN at offset 0).
     */
    private static int putSlot(byte[] out, int at, Slot s, long previousStep) {
        int flags = slotFlags(s);
        out[at++] = (byte) flags;
        at = Varints.putUnsigned(out, at, s.step - previousStep);
        if ((flags & RATE) != 0) {
            at = Varints.putSigned(out, at, s.rateOffset);
            at = Varints.putValue(out, at, s.rate);
        }
        if ((flags & ALTITUDE) != 0) {
            if ((flags & SAME_OFFSET) == 0) {
                at = Varints.putSigned(out, at, s.altitudeOffset);
            }
            at = Varints.putValue(out, at, s.altitude);
        }
        if ((flags >>> 3) == SOURCE_ESCAPE) {
            out[at++] = s.rateSource;
        }
        return at;
    }

    private static Slot getSlot(ByteBuffer in, long previousStep) {
        int flags = in.get() & 0xFF;
        Slot s = new Slot(previousStep + Varints.getUnsigned(in));
        if ((flags & RATE) != 0) {
            s.rateOffset = Varints.getSignedInt(in);
            s.rate = Varints.getValue(in);
        }
        if ((flags & ALTITUDE) != 0) {
            s.altitudeOffset = (flags & SAME_OFFSET) != 0 ? s.rateOffset : Varints.getSignedInt(in);
            s.altitude = Varints.getValue(in);
        }
        s.rateSource = (flags >>> 3) == SOURCE_ESCAPE ? in.get() : (byte) ((flags >>> 3) - 1);
        return s;
    }

    /** bytes of one slot in formats 1 to 4 */
    private static final int SLOT_BYTES = 8 + 4 + 4 + 1 + 4 + 4;

    /** As DataOutput.writeFloat: NaN as its canonical bits, so that equal states have equal bytes. */
    static void putFloat(ByteBuffer out, float v) {
        out.putInt(Float.floatToIntBits(v));
    }

    static void putDouble(ByteBuffer out, double v) {
        out.putLong(Double.doubleToLongBits(v));
    }

    /**
     * The flight's latest report time from stored state ({@link #latest()} of {@link #fromBytes}), reading only
     * what precedes it: the sweep of silent aircraft asks this of a thousand aircraft a second.
     */
    public static long latestOf(byte[] data) {
        ByteBuffer in = ByteBuffer.wrap(data);
        byte format = in.get();
        if (format < 1 || format > FORMAT) {
            throw new IllegalStateException("unknown flight state format " + format);
        }
        if (format >= 5) {
            return in.getLong();
        }
        int length = format == 1 ? Short.toUnsignedInt(in.getShort()) : Math.max(0, in.getInt());
        in.position(in.position() + length + 8); // the data source, then the flight's start
        return in.getLong();
    }

    /**
     * The state stored by {@link #toBytes()} in any format from 1 on.
     *
     * @throws IllegalStateException on an unknown format; a RuntimeException on bytes that end too soon
     */
    public static FlightTrack fromBytes(String icao24, byte[] data) {
        FlightTrack t = new FlightTrack(icao24);
        ByteBuffer in = ByteBuffer.wrap(data);
        byte format = in.get();
        if (format < 1 || format > FORMAT) {
            throw new IllegalStateException("unknown flight state format " + format);
        }
        if (format >= 5) {
            t.readFormat5(in);
            return t;
        }
        if (format == 1) {
            String ds = StateStrings.getModifiedUtf8(in);
            t.dataSource = ds.isEmpty() ? null : ds;
        } else {
            t.dataSource = StateStrings.get(in);
        }
        t.flightStart = in.getLong();
        t.latest = in.getLong();
        t.reportsInFlight = in.getLong();
        t.lastTriggerLatest = in.getLong();
        t.lastTriggerRate = in.getFloat();
        t.lastTriggerAltitude = in.getFloat();
        int n = in.getInt();
        if (n < 0 || (long) n * SLOT_BYTES > in.remaining()) {
            throw new IllegalStateException("flight state of " + n + " slots with " + in.remaining() + " bytes left");
        }
        t.slots.ensureCapacity(n + 2);
        for (int i = 0; i < n; i++) {
            Slot s = new Slot(in.getLong());
            s.rateOffset = in.getInt();
            s.rate = in.getFloat();
            s.rateSource = in.get();
            s.altitudeOffset = in.getInt();
            s.altitude = in.getFloat();
            t.slots.add(s);
        }
        if (format >= 2) {
            t.heldTime = in.getLong();
            if (t.heldTime != NONE) {
                t.heldRate = in.getFloat();
                t.heldRateSource = in.get();
                t.heldAltitude = in.getFloat();
                t.heldFresh = in.get() != 0;
            }
        }
        if (format >= 3) {
            t.callsign = StateStrings.get(in);
            t.latitude = in.getDouble();
            t.longitude = in.getDouble();
        }
        if (format >= 4) {
            t.lastDueLatest = in.getLong();
            byte phase = in.get();
            t.phase = phase < 0 ? null : FlightPhase.values()[phase];
            if (in.get() != 0) {
                t.standing = StandingForecast.get(in);
            }
        } else {
            t.lastDueLatest = t.lastTriggerLatest;
        }
        return t;
    }

    /** The rest of {@link #toBytes()}'s format 5 after its format byte. */
    private void readFormat5(ByteBuffer in) {
        latest = in.getLong();
        int flags = in.get();
        dataSource = StateStrings.get(in);
        flightStart = latest - Varints.getSigned(in);
        reportsInFlight = Varints.getUnsigned(in);
        lastTriggerLatest = (flags & TRIGGERED) != 0 ? latest - Varints.getSigned(in) : NONE;
        lastDueLatest = (flags & DUE) != 0 ? latest - Varints.getSigned(in) : NONE;
        lastTriggerRate = Varints.getValue(in);
        lastTriggerAltitude = Varints.getValue(in);
        long n = Varints.getUnsigned(in);
        if (n < 0 || n * 2 > in.remaining()) {
            // a slot is at least its flags and its step
            throw new IllegalStateException("flight state of " + n + " slots with " + in.remaining() + " bytes left");
        }
        slots.ensureCapacity((int) n + 2);
        long previous = 0;
        for (long i = 0; i < n; i++) {
            Slot s = getSlot(in, previous);
            slots.add(s);
            previous = s.step;
        }
        if ((flags & HELD) != 0) {
            heldTime = latest - Varints.getSigned(in);
            heldRate = Varints.getValue(in);
            heldRateSource = in.get();
            heldAltitude = Varints.getValue(in);
        }
        heldFresh = (flags & HELD_FRESH) != 0;
        callsign = StateStrings.get(in);
        latitude = in.getDouble();
        longitude = in.getDouble();
        byte phaseOrdinal = in.get();
        phase = phaseOrdinal < 0 ? null : FlightPhase.values()[phaseOrdinal];
        if ((flags & STANDING) != 0) {
            standing = StandingForecast.get(in, flightStart, latest);
        }
    }
}
