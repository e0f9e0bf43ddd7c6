package org.sigmavrate.model.eval;

/**
 * Where a scored step lies relative to the forecast's latest report: ahead of it by 0–30 s, 30–60 s or 60–120 s
 * (the service's default window forecasts 120 s ahead), or before it but unobserved when the forecast was made
 * (infilled; its truth came later, out of order within the grace).
 */
public enum SkillHorizon {
    INFILLED("infilled"), AHEAD_0_30("0-30s"), AHEAD_30_60("30-60s"), AHEAD_60_120("60-120s");

    private final String label;

    SkillHorizon(String label) {
        this.label = label;
    }

    /** The Prometheus tag and JSON key. */
    public String label() {
        return label;
    }

    /** The bucket of a step at {@code stepTime} of a forecast whose latest report was at {@code lastReportTime}; null beyond 120 s. */
    public static SkillHorizon of(long stepTime, long lastReportTime) {
        long ahead = stepTime - lastReportTime;
        if (ahead <= 0) {
            return INFILLED;
        }
        if (ahead <= 30_000) {
            return AHEAD_0_30;
        }
        if (ahead <= 60_000) {
            return AHEAD_30_60;
        }
        return ahead <= 120_000 ? AHEAD_60_120 : null;
    }
}
