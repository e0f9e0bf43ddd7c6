package org.sigmavrate.domain.flight;

import java.util.ArrayList;
import java.util.List;

/**
 * Fills missing vertical rates from barometric altitude. The filter: the least-squares slope of altitude against
 * time over the reports within {@code ±halfWindow} of the report (itself included), when there are at least
 * {@value #MIN_POINTS} of them spanning at least half the window. A fitted slope rather than a two-point
 * difference because altitudes are quantized to 25 or 100 ft: over a few seconds a difference of one quantum
 * already reads as hundreds of ft/min.
 */
public final class VerticalRateDeriver {
    static final int MIN_POINTS = 3;
    private final long halfWindowMillis;

    public VerticalRateDeriver(long halfWindowMillis) {
        this.halfWindowMillis = halfWindowMillis;
    }

    public static VerticalRateDeriver standard() {
        return new VerticalRateDeriver(15_000);
    }

    /** @return the reports with derived rates where they had none and the filter allows one */
    public List<Report> fill(List<Report> timeOrdered) {
        List<Report> out = new ArrayList<>(timeOrdered.size());
        int lo = 0;
        int hi = 0;
        for (int i = 0; i < timeOrdered.size(); i++) {
            Report r = timeOrdered.get(i);
            long t = r.timeMillis();
            while (timeOrdered.get(lo).timeMillis() < t - halfWindowMillis) {
                lo++;
            }
            while (hi + 1 < timeOrdered.size() && timeOrdered.get(hi + 1).timeMillis() <= t + halfWindowMillis) {
                hi++;
            }
            if (r.hasVerticalRate() || !r.hasBaroAltitude()) {
                out.add(r);
                continue;
            }
            double slope = slopeFtPerMinute(timeOrdered, lo, hi, t);
            out.add(Double.isNaN(slope) ? r : r.withVerticalRate(slope, VerticalRateSource.DERIVED));
        }
        return out;
    }

    private double slopeFtPerMinute(List<Report> reports, int lo, int hi, long centre) {
        int n = 0;
        double sumT = 0;
        double sumA = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (int j = lo; j <= hi; j++) {
            Report r = reports.get(j);
            if (r.hasBaroAltitude()) {
                n++;
                sumT += (r.timeMillis() - centre) / 60_000.0;
                sumA += r.baroAltitudeFt();
                first = Math.min(first, r.timeMillis());
                last = Math.max(last, r.timeMillis());
            }
        }
        if (n < MIN_POINTS || last - first < halfWindowMillis) {
            return Double.NaN;
        }
        double meanT = sumT / n;
        double meanA = sumA / n;
        double sxx = 0;
        double sxy = 0;
        for (int j = lo; j <= hi; j++) {
            Report r = reports.get(j);
            if (r.hasBaroAltitude()) {
                double dt = (r.timeMillis() - centre) / 60_000.0 - meanT;
                sxx += dt * dt;
                sxy += dt * (r.baroAltitudeFt() - meanA);
            }
        }
        return sxx > 0 ? sxy / sxx : Double.NaN;
    }
}
