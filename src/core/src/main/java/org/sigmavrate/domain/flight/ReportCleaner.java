package org.sigmavrate.domain.flight;

import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.spec.ChannelLimits;

/**
 * Removes what cannot be true from one aircraft's time-ordered reports, counting every removal by reason:
 * <ul>
 * <li>{@code on-ground}: reports flagged on the ground (the product forecasts airborne rates);</li>
 * <li>{@code duplicate-time}: a second report at the same millisecond (the first is kept);</li>
 * <li>{@code rate-not-finite}, {@code rate-out-of-range}: the rate is dropped, the report kept for its altitude;</li>
 * <li>{@code altitude-out-of-range}: the altitude is dropped, the report kept for its rate;</li>
 * <li>{@code altitude-spike}: an altitude that both neighbours contradict by more than the rate limit allows,
 * in opposite directions (a one-report glitch, common in Mode S replies);</li>
 * <li>{@code rate-spike}: a rate that jumps away from both neighbours by more than {@value #RATE_SPIKE_FPM} ft/min
 * at more than {@value #MAX_VERTICAL_ACCEL_FPM_PER_S} ft/min per second (about 0.8 g) and back;</li>
 * <li>{@code no-values}: neither rate nor altitude left.</li>
 * </ul>
 */
public final class ReportCleaner {
    static final double MAX_VERTICAL_ACCEL_FPM_PER_S = 1500;
    static final double RATE_SPIKE_FPM = 1000;

    private final ChannelLimits rateLimits;
    private final ChannelLimits altitudeLimits;

    public ReportCleaner(ChannelLimits rateLimits, ChannelLimits altitudeLimits) {
        this.rateLimits = rateLimits;
        this.altitudeLimits = altitudeLimits;
    }

    /** @param timeOrdered one aircraft's reports sorted by time */
    public List<Report> clean(List<Report> timeOrdered, RejectionLedger ledger) {
        List<Report> kept = new ArrayList<>(timeOrdered.size());
        long lastTime = Long.MIN_VALUE;
        for (Report r : timeOrdered) {
            if (Boolean.TRUE.equals(r.onGround())) {
                ledger.count("on-ground");
                continue;
            }
            if (r.timeMillis() == lastTime) {
                ledger.count("duplicate-time");
                continue;
            }
            lastTime = r.timeMillis();
            kept.add(withinLimits(r, ledger));
        }
        removeAltitudeSpikes(kept, ledger);
        removeRateSpikes(kept, ledger);
        List<Report> result = new ArrayList<>(kept.size());
        for (Report r : kept) {
            if (r.hasVerticalRate() || r.hasBaroAltitude()) {
                result.add(r);
            } else {
                ledger.count("no-values");
            }
        }
        return result;
    }

    private Report withinLimits(Report r, RejectionLedger ledger) {
        Report out = r;
        double rate = r.verticalRateFpm();
        if (Double.isInfinite(rate)) {
            ledger.count("rate-not-finite");
            out = out.withVerticalRate(Double.NaN, null);
        } else if (!Double.isNaN(rate) && !rateLimits.allows(rate)) {
            ledger.count("rate-out-of-range");
            out = out.withVerticalRate(Double.NaN, null);
        }
        double altitude = r.baroAltitudeFt();
        if (Double.isInfinite(altitude) || (!Double.isNaN(altitude) && !altitudeLimits.allows(altitude))) {
            ledger.count("altitude-out-of-range");
            out = out.withBaroAltitude(Double.NaN);
        }
        return out;
    }

    private void removeAltitudeSpikes(List<Report> reports, RejectionLedger ledger) {
        double maxRate = Math.max(Math.abs(rateLimits.min()), Math.abs(rateLimits.max()));
        int prev = -1;
        for (int i = 0; i < reports.size(); i++) {
            if (!reports.get(i).hasBaroAltitude()) {
                continue;
            }
            int next = nextWith(reports, i, true);
            if (prev >= 0 && next >= 0) {
                double toPrev = impliedRate(reports.get(prev), reports.get(i));
                double toNext = impliedRate(reports.get(i), reports.get(next));
                if (Math.abs(toPrev) > maxRate && Math.abs(toNext) > maxRate && Math.signum(toPrev) != Math.signum(toNext)) {
                    ledger.count("altitude-spike");
                    reports.set(i, reports.get(i).withBaroAltitude(Double.NaN));
                    continue;
                }
            }
            prev = i;
        }
    }

    private void removeRateSpikes(List<Report> reports, RejectionLedger ledger) {
        int prev = -1;
        for (int i = 0; i < reports.size(); i++) {
            if (!reports.get(i).hasVerticalRate()) {
                continue;
            }
            int next = nextWith(reports, i, false);
            if (prev >= 0 && next >= 0) {
                Report p = reports.get(prev);
                Report c = reports.get(i);
                Report n = reports.get(next);
                double jumpIn = c.verticalRateFpm() - p.verticalRateFpm();
                double jumpOut = n.verticalRateFpm() - c.verticalRateFpm();
                if (isSpikeJump(jumpIn, c.timeMillis() - p.timeMillis())
                        && isSpikeJump(jumpOut, n.timeMillis() - c.timeMillis())
                        && Math.signum(jumpIn) != Math.signum(jumpOut)) {
                    ledger.count("rate-spike");
                    reports.set(i, c.withVerticalRate(Double.NaN, null));
                    continue;
                }
            }
            prev = i;
        }
    }

    private static boolean isSpikeJump(double jumpFpm, long dtMillis) {
        double seconds = Math.max(dtMillis, 1) / 1000.0;
        return Math.abs(jumpFpm) > RATE_SPIKE_FPM && Math.abs(jumpFpm) / seconds > MAX_VERTICAL_ACCEL_FPM_PER_S;
    }

    private static int nextWith(List<Report> reports, int from, boolean altitude) {
        for (int j = from + 1; j < reports.size(); j++) {
            if (altitude ? reports.get(j).hasBaroAltitude() : reports.get(j).hasVerticalRate()) {
                return j;
            }
        }
        return -1;
    }

    private static double impliedRate(Report a, Report b) {
        double minutes = Math.max(b.timeMillis() - a.timeMillis(), 1) / 60_000.0;
        return (b.baroAltitudeFt() - a.baroAltitudeFt()) / minutes;
    }
}
