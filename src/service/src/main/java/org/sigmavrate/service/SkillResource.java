package org.sigmavrate.service;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.sigmavrate.model.eval.LiveSkill;
import org.sigmavrate.model.eval.RollingSkill;
import org.sigmavrate.model.eval.SkillHorizon;
import org.sigmavrate.streaming.StreamingMetrics;

/**
 * How this instance's published vertical-rate forecasts did over the last ten minutes (wall clock) against the
 * truth later reports brought ({@link LiveSkill}: one followed forecast per aircraft, scored by the same definitions
 * as {@code evaluate}), per horizon bucket. The figures are this instance's partitions only; Prometheus's
 * {@code sigmavrate_skill_*} meters add up across instances. The shape, figures null while a bucket has no scored
 * step:
 *
 * <pre>
 * {"window_seconds": 600, "channel": "vertical_rate", "horizons": [
 *   {"horizon": "infilled", "steps": 0, "mae_fpm": null, "crps_fpm": null, "coverage_50": null, "coverage_90": null},
 *   {"horizon": "0-30s", "steps": 412, "mae_fpm": 181.5, "crps_fpm": 140.2, "coverage_50": 0.52, "coverage_90": 0.91},
 *   {"horizon": "30-60s", ...}, {"horizon": "60-120s", ...}]}
 * </pre>
 *
 * {@code horizon}: "infilled" (steps before the forecast's latest report that were not observed), or how far ahead
 * of it the step lies; {@code mae_fpm}: mean absolute error of the published median (ft/min); {@code crps_fpm}: mean
 * CRPS of the published quantile fan (ft/min); {@code coverage_50} / {@code coverage_90}: the fraction of steps whose
 * truth lay inside the central 50% / 90% band (nominal 0.5 / 0.9).
 */
@Path("/skill")
@Tag(name = "skill", description = "Live forecast skill")
public class SkillResource {
    @Inject
    StreamingMetrics metrics;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Live skill of the last ten minutes, per horizon bucket",
            description = "Mean absolute error and CRPS (ft/min) and 50%/90% band coverage of the published vertical-"
                    + "rate forecasts against later reports, for infilled steps and 0-30 s, 30-60 s, 60-120 s ahead.")
    public Map<String, Object> skill() {
        return figures(metrics.rollingSkill(), System.currentTimeMillis());
    }

    static Map<String, Object> figures(RollingSkill skill, long nowMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("window_seconds", RollingSkill.WINDOW_MILLIS / 1000);
        out.put("channel", "vertical_rate");
        java.util.List<Map<String, Object>> horizons = new java.util.ArrayList<>();
        for (Map.Entry<SkillHorizon, RollingSkill.Figures> e : skill.figures(nowMillis).entrySet()) {
            RollingSkill.Figures f = e.getValue();
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("horizon", e.getKey().label());
            h.put("steps", f.steps());
            h.put("mae_fpm", number(f.maeFpm()));
            h.put("crps_fpm", number(f.crpsFpm()));
            h.put("coverage_50", number(f.coverage50()));
            h.put("coverage_90", number(f.coverage90()));
            horizons.add(h);
        }
        out.put("horizons", horizons);
        return out;
    }

    private static Double number(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
