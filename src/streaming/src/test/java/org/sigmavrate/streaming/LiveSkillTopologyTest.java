package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.BandStep;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.TinyModel;
import org.sigmavrate.model.eval.RollingSkill;
import org.sigmavrate.model.eval.SkillHorizon;
import org.sigmavrate.model.eval.StepSkill;

import io.micrometer.core.instrument.DistributionSummary;

/**
 * A real flight's reports through the topology, a batch sent after each: the first published bands of the aircraft
 * is followed, and the reports of the next two minutes settle its forecast steps. The skill meters and the rolling
 * figures hold exactly the scores of those bands' quantiles against the rate of the report nearest each step.
 */
class LiveSkillTopologyTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final StreamingSettings SETTINGS = Fixtures.settings(SPEC);
    private static final Path FLIGHT = Path.of("data/flights/traffic/featured/elal747.json.gz");

    @Test
    void reportsAfterAPublishedForecastScoreItsStepsByHorizon() throws Exception {
        List<Report> reports = new ArrayList<>();
        for (Report r : Replay.inTimeOrder(Replay.load(List.of(FLIGHT), new PrintStream(OutputStream.nullOutputStream())))) {
            if (!Boolean.TRUE.equals(r.onGround()) && r.hasVerticalRate() && r.hasBaroAltitude()) {
                reports.add(r);
            }
        }
        String icao = reports.get(0).icao24();
        reports.removeIf(r -> !r.icao24().equals(icao));
        assertTrue(reports.size() > 100, "airborne reports of " + icao + ": " + reports.size());

        Properties props = Fixtures.driverProperties("sigma-vrate-skill-test");
        StreamingMetrics metrics = StreamingMetrics.noop();
        SigmaGptForecaster forecaster = new SigmaGptForecaster(TinyModel.session(),
                TinyModel.settings(0, TinyModel.CONSISTENT.withEnabled(false)));
        try (TopologyTestDriver driver = new TopologyTestDriver(ForecastTopology.build(SETTINGS, SPEC, forecaster,
                AvroFormat.singleObject(), metrics), props, Instant.ofEpochMilli(reports.get(0).timeMillis()))) {
            TestInputTopic<byte[], byte[]> input = driver.createInputTopic(SETTINGS.topics().input(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            TestOutputTopic<String, byte[]> bands = driver.createOutputTopic(SETTINGS.topics().bands(),
                    new StringDeserializer(), new ByteArrayDeserializer());
            DensityBands first = null;
            List<Report> sent = new ArrayList<>();
            for (Report r : reports) {
                // up to 135 s past the first forecast: the trigger that settles its horizon comes before, the next
                // followed forecast gets no later window
                if (first != null && r.timeMillis() > first.getLastReportTime().toEpochMilli() + 135_000) {
                    break;
                }
                input.pipeInput(icao.getBytes(StandardCharsets.UTF_8), Fixtures.bytes(Replay.toAvro(r)));
                sent.add(r);
                driver.advanceWallClockTime(Duration.ofMillis(SETTINGS.batchEveryMillis()));
                if (first == null && !bands.isEmpty()) {
                    first = AvroFormat.singleObjectSerde(DensityBands.class).deserializer().deserialize("t",
                            bands.readValue());
                }
            }
            assertTrue(first != null, "a forecast was published");

            Map<SkillHorizon, List<StepSkill>> expected = expected(first, sent);
            assertTrue(expected.get(SkillHorizon.AHEAD_60_120).size() >= 5, "steps 60-120 s ahead: " + expected);
            for (SkillHorizon h : SkillHorizon.values()) {
                List<StepSkill> steps = expected.get(h);
                DistributionSummary abs = metrics.registry().find("sigmavrate.skill.abs.error").tag("horizon", h.label())
                        .summary();
                DistributionSummary crps = metrics.registry().find("sigmavrate.skill.crps").tag("horizon", h.label())
                        .summary();
                assertEquals(steps.size(), abs == null ? 0 : abs.count(), h.label());
                if (steps.isEmpty()) {
                    continue;
                }
                assertEquals(steps.stream().mapToDouble(StepSkill::absError).sum(), abs.totalAmount(), 1e-6, h.label());
                assertEquals(steps.stream().mapToDouble(StepSkill::crps).sum(), crps.totalAmount(), 1e-6, h.label());
                for (String band : List.of("50", "90")) {
                    long covered = steps.stream().filter(s -> band.equals("50") ? s.in50() : s.in90()).count();
                    assertEquals(covered, coveredCount(metrics, h, band), 0, h.label() + " " + band);
                }
                RollingSkill.Figures rolling = metrics.rollingSkill().figures(System.currentTimeMillis()).get(h);
                assertEquals(steps.size(), rolling.steps());
                assertEquals(abs.totalAmount() / abs.count(), rolling.maeFpm(), 1e-9);
            }
        }
    }

    private static double coveredCount(StreamingMetrics metrics, SkillHorizon h, String band) {
        var c = metrics.registry().find("sigmavrate.skill.covered").tag("horizon", h.label()).tag("band", band)
                .counter();
        return c == null ? 0 : c.count();
    }

    /**
     * The bands' unobserved steps up to 120 s ahead, each scored against the rate of the sent report nearest it within
     * half a step (the earlier on a tie), when there is one.
     */
    private static Map<SkillHorizon, List<StepSkill>> expected(DensityBands b, List<Report> sent) {
        Map<SkillHorizon, List<StepSkill>> out = new EnumMap<>(SkillHorizon.class);
        for (SkillHorizon h : SkillHorizon.values()) {
            out.put(h, new ArrayList<>());
        }
        double[] levels = b.getQuantileLevels().stream().mapToDouble(Double::doubleValue).toArray();
        long last = b.getLastReportTime().toEpochMilli();
        long half = b.getGridStepMs() / 2;
        for (BandStep step : b.getSteps()) {
            long t = step.getTime().toEpochMilli();
            SkillHorizon h = SkillHorizon.of(t, last);
            if (h == null || step.getVerticalRate().getObserved()) {
                continue;
            }
            Report nearest = null;
            for (Report r : sent) {
                if (Math.abs(r.timeMillis() - t) <= half
                        && (nearest == null || Math.abs(r.timeMillis() - t) < Math.abs(nearest.timeMillis() - t))) {
                    nearest = r;
                }
            }
            if (nearest != null) {
                double[] q = step.getVerticalRate().getQuantiles().stream().mapToDouble(Double::doubleValue).toArray();
                out.get(h).add(StepSkill.of(h, levels, q, nearest.verticalRateFpm()));
            }
        }
        return out;
    }
}
