package org.sigmavrate.tools.loadbench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.avro.v1.VerticalRateSource;
import org.sigmavrate.domain.flight.Report;

/**
 * Real recorded flights multiplexed to any number of aircraft reporting once a second: each recorded airborne
 * stretch of at least {@code minSeconds} becomes a template sampled at 1 s (each second holds the latest report of
 * the template within 10 s); virtual aircraft {@code i} plays template {@code i mod T} from its own offset, with
 * ICAO24 {@code f00000 + i} and the event time it is given (the generator's wall clock), looping at the end.
 */
public final class MultiplexedFlights {
    private static final long HOLD_MS = 10_000;
    private static final long SPLIT_GAP_MS = 120_000;

    /** One template flight sampled at 1 s; NaN = missing. */
    record Template(String source, float[] altitude, float[] rate, float[] lat, float[] lon, float[] speed, float[] track) {
        int seconds() {
            return altitude.length;
        }
    }

    private final List<Template> templates;

    private MultiplexedFlights(List<Template> templates) {
        this.templates = templates;
    }

    public int templates() {
        return templates.size();
    }

    public long templateSeconds() {
        return templates.stream().mapToLong(Template::seconds).sum();
    }

    public static MultiplexedFlights from(List<Report> reports, int minSeconds) {
        Map<String, List<Report>> byAircraft = new LinkedHashMap<>();
        reports.stream().filter(r -> !Boolean.TRUE.equals(r.onGround()) && (r.hasBaroAltitude() || r.hasVerticalRate()))
                .sorted(Comparator.comparing(Report::icao24).thenComparingLong(Report::timeMillis))
                .forEach(r -> byAircraft.computeIfAbsent(r.icao24(), k -> new ArrayList<>()).add(r));
        List<Template> out = new ArrayList<>();
        for (List<Report> aircraft : byAircraft.values()) {
            int from = 0;
            for (int i = 1; i <= aircraft.size(); i++) {
                if (i == aircraft.size() || aircraft.get(i).timeMillis() - aircraft.get(i - 1).timeMillis() > SPLIT_GAP_MS) {
                    List<Report> stretch = aircraft.subList(from, i);
                    long span = stretch.get(stretch.size() - 1).timeMillis() - stretch.get(0).timeMillis();
                    if (span >= minSeconds * 1000L && stretch.size() >= minSeconds / 30) {
                        out.add(sample(stretch));
                    }
                    from = i;
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no airborne stretch of at least " + minSeconds + " s in the input");
        }
        return new MultiplexedFlights(out);
    }

    private static Template sample(List<Report> stretch) {
        long t0 = stretch.get(0).timeMillis();
        int n = (int) ((stretch.get(stretch.size() - 1).timeMillis() - t0) / 1000) + 1;
        float[][] f = new float[6][n];
        for (float[] a : f) {
            java.util.Arrays.fill(a, Float.NaN);
        }
        long[][] seen = new long[6][1];
        for (long[] s : seen) {
            s[0] = Long.MIN_VALUE / 2;
        }
        double[] last = new double[6];
        int j = 0;
        for (int s = 0; s < n; s++) {
            long t = t0 + s * 1000L;
            while (j < stretch.size() && stretch.get(j).timeMillis() <= t) {
                Report r = stretch.get(j++);
                double[] v = {r.baroAltitudeFt(), r.verticalRateFpm(), r.latitudeDeg(), r.longitudeDeg(), r.groundSpeedKt(),
                        r.trackDeg()};
                for (int c = 0; c < 6; c++) {
                    if (!Double.isNaN(v[c])) {
                        last[c] = v[c];
                        seen[c][0] = r.timeMillis();
                    }
                }
            }
            for (int c = 0; c < 6; c++) {
                if (t - seen[c][0] <= HOLD_MS) {
                    f[c][s] = (float) last[c];
                }
            }
        }
        return new Template(stretch.get(0).dataSource(), f[0], f[1], f[2], f[3], f[4], f[5]);
    }

    public static String icao24(int aircraft) {
        return String.format("%06x", 0xf00000 + aircraft);
    }

    /**
     * Whether virtual aircraft {@code aircraft}'s report at its {@code second}-th second has an altitude or a
     * vertical rate: the recorded flights have coverage gaps (up to 2 minutes within a template), where the
     * aircraft's reports carry neither and nothing can re-forecast it.
     */
    public boolean hasData(int aircraft, long second) {
        Template t = templates.get(aircraft % templates.size());
        int i = (int) Math.floorMod((long) aircraft * 7919L + second, (long) t.seconds());
        return !Float.isNaN(t.altitude()[i]) || !Float.isNaN(t.rate()[i]);
    }

    /** The report of virtual aircraft {@code aircraft} at its {@code second}-th second, stamped {@code timeMillis}. */
    public SurveillanceReport report(int aircraft, long second, long timeMillis) {
        Template t = templates.get(aircraft % templates.size());
        int len = t.seconds();
        int i = (int) Math.floorMod((long) aircraft * 7919L + second, (long) len);
        return SurveillanceReport.newBuilder().setIcao24(icao24(aircraft)).setEventTime(Instant.ofEpochMilli(timeMillis))
                .setLatitudeDeg(boxed(t.lat()[i])).setLongitudeDeg(boxed(t.lon()[i])).setBaroAltitudeFt(boxed(t.altitude()[i]))
                .setGeoAltitudeFt(null).setVerticalRateFpm(boxed(t.rate()[i]))
                .setVerticalRateSource(Float.isNaN(t.rate()[i]) ? null : VerticalRateSource.BAROMETRIC)
                .setGroundSpeedKt(boxed(t.speed()[i])).setTrackDeg(boxed(t.track()[i])).setOnGround(false)
                .setCallsign(null).setDataSource(t.source()).build();
    }

    private static Double boxed(float v) {
        return Float.isNaN(v) ? null : (double) v;
    }
}
