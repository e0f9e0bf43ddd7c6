package org.sigmavrate.model.eval;

import java.util.LinkedHashMap;
import java.util.Map;

/** Running metrics of one row on one protocol, over hidden steps. */
public final class Metrics {
    private long steps;
    private long windows;
    private double absSum;
    private double sqSum;
    private double crpsSum;
    private double nllSum;
    private long nllCount;
    private long in50;
    private long in90;
    private long coverageCount;

    public void window() {
        windows++;
    }

    /** One hidden step: truth, point estimate, CRPS; NaN NLL or null interval when the row has none. */
    public void add(double truth, double point, double crps, double nll, double[] central50, double[] central90) {
        steps++;
        double e = point - truth;
        absSum += Math.abs(e);
        sqSum += e * e;
        crpsSum += crps;
        if (!Double.isNaN(nll)) {
            nllSum += nll;
            nllCount++;
        }
        if (central50 != null && central90 != null) {
            coverageCount++;
            in50 += truth >= central50[0] && truth <= central50[1] ? 1 : 0;
            in90 += truth >= central90[0] && truth <= central90[1] ? 1 : 0;
        }
    }

    public long steps() {
        return steps;
    }

    public long windows() {
        return windows;
    }

    public double mae() {
        return steps == 0 ? Double.NaN : absSum / steps;
    }

    public double rmse() {
        return steps == 0 ? Double.NaN : Math.sqrt(sqSum / steps);
    }

    public double crps() {
        return steps == 0 ? Double.NaN : crpsSum / steps;
    }

    public double nll() {
        return nllCount == 0 ? Double.NaN : nllSum / nllCount;
    }

    public double coverage50() {
        return coverageCount == 0 ? Double.NaN : in50 / (double) coverageCount;
    }

    public double coverage90() {
        return coverageCount == 0 ? Double.NaN : in90 / (double) coverageCount;
    }

    /** For metrics.json: NaN becomes null. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("windows", windows);
        m.put("hidden_steps", steps);
        m.put("mae_fpm", num(mae()));
        m.put("rmse_fpm", num(rmse()));
        m.put("crps_fpm", num(crps()));
        m.put("nll_per_hidden_step", num(nll()));
        m.put("coverage_50", num(coverage50()));
        m.put("coverage_90", num(coverage90()));
        return m;
    }

    private static Object num(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
