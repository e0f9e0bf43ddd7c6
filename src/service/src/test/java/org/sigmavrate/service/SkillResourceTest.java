package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.model.eval.SkillHorizon;
import org.sigmavrate.model.eval.StepSkill;
import org.sigmavrate.streaming.StreamingMetrics;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The JSON that /skill serves: every horizon bucket, in order, the figures of the steps scored, null without any. */
class SkillResourceTest {
    @Test
    void scoredStepsAreServedPerHorizonWithNullsWhereNoneWasScored() throws Exception {
        StreamingMetrics metrics = StreamingMetrics.noop();
        double[] levels = {0.05, 0.25, 0.5, 0.75, 0.95};
        double[] fan = {-400, -100, 0, 100, 400};
        metrics.skill(List.of(StepSkill.of(SkillHorizon.AHEAD_0_30, levels, fan, 50),
                StepSkill.of(SkillHorizon.AHEAD_0_30, levels, fan, 300),
                StepSkill.of(SkillHorizon.AHEAD_60_120, levels, fan, -1000)));
        SkillResource resource = new SkillResource();
        resource.metrics = metrics;
        String json = new ObjectMapper().writeValueAsString(resource.skill());
        double crps50 = StepSkill.of(SkillHorizon.AHEAD_0_30, levels, fan, 50).crps();
        double crps300 = StepSkill.of(SkillHorizon.AHEAD_0_30, levels, fan, 300).crps();
        double crps1000 = StepSkill.of(SkillHorizon.AHEAD_60_120, levels, fan, -1000).crps();
        assertEquals("{\"window_seconds\":600,\"channel\":\"vertical_rate\",\"horizons\":["
                + "{\"horizon\":\"infilled\",\"steps\":0,\"mae_fpm\":null,\"crps_fpm\":null,\"coverage_50\":null,\"coverage_90\":null},"
                + "{\"horizon\":\"0-30s\",\"steps\":2,\"mae_fpm\":175.0,\"crps_fpm\":" + (crps50 + crps300) / 2
                + ",\"coverage_50\":0.5,\"coverage_90\":1.0},"
                + "{\"horizon\":\"30-60s\",\"steps\":0,\"mae_fpm\":null,\"crps_fpm\":null,\"coverage_50\":null,\"coverage_90\":null},"
                + "{\"horizon\":\"60-120s\",\"steps\":1,\"mae_fpm\":1000.0,\"crps_fpm\":" + crps1000
                + ",\"coverage_50\":0.0,\"coverage_90\":0.0}]}", json);
    }
}
