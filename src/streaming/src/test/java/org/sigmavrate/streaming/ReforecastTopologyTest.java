package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.Trigger;

import io.micrometer.core.instrument.Counter;

/**
 * The re-forecast policy through the topology: 10 minutes of a real OpenSky flight (406d95: a climb's end, seven
 * minutes level, a descent), forecast by the altitude-difference baseline (bands of its point forecast,
 * left by more than the 128 ft/min tolerance), under the changes policy and under the cadence policy. The batch
 * punctuator runs after every report, so each forecast is published (and stands) before the next report, as in a
 * service whose latency is under a report's interval.
 */
class ReforecastTopologyTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final StreamingSettings CADENCE = Fixtures.settings(SPEC);
    private static final StreamingSettings CHANGES = CADENCE.withReforecast(ReforecastRules.changes(50, 60_000));

    /** Minutes 24-34 of the recording, moved to the tests' clock. */
    private static List<Report> flight() throws Exception {
        List<Report> all = Replay.inTimeOrder(Replay.alignStarts(
                FlightReaders.read(Path.of("data/flights/opensky/states_28d23de4.csv")).reports(), Fixtures.T0));
        return all.stream().filter(r -> r.timeMillis() >= Fixtures.T0 + 24 * 60_000
                && r.timeMillis() < Fixtures.T0 + 34 * 60_000).toList();
    }

    /** What one run published, and its metrics. */
    record Run(List<InfilledTrajectory> trajectories, List<DensityBands> bands, StreamingMetrics metrics,
            FlightTrack track) {
        double decisions(String decision) {
            return metrics.registry().find("sigmavrate.forecast.triggers").tag("decision", decision).counters()
                    .stream().mapToDouble(Counter::count).sum();
        }

        Map<String, Long> reasons() {
            return bands.stream().collect(Collectors.groupingBy(b -> String.valueOf(b.getTrigger()), TreeMap::new,
                    Collectors.counting()));
        }
    }

    private static Run run(StreamingSettings settings, List<Report> reports) throws Exception {
        StreamingMetrics metrics = StreamingMetrics.noop();
        Properties props = Fixtures.driverProperties("sigma-vrate-reforecast-test");
        try (TopologyTestDriver driver = new TopologyTestDriver(ForecastTopology.build(settings, SPEC,
                new AltitudeDifferenceForecaster(), AvroFormat.singleObject(), metrics), props,
                Instant.ofEpochMilli(Fixtures.T0 + 3_600_000))) {
            var input = driver.createInputTopic(settings.topics().input(), new ByteArraySerializer(),
                    new ByteArraySerializer());
            var trajectories = driver.createOutputTopic(settings.topics().trajectories(), new StringDeserializer(),
                    new ByteArrayDeserializer());
            var bands = driver.createOutputTopic(settings.topics().bands(), new StringDeserializer(),
                    new ByteArrayDeserializer());
            for (Report r : reports) {
                input.pipeInput(r.icao24().getBytes(StandardCharsets.UTF_8), Fixtures.bytes(Replay.toAvro(r)));
                driver.advanceWallClockTime(Duration.ofMillis(settings.batchEveryMillis()));
            }
            List<InfilledTrajectory> t = trajectories.readValuesToList().stream().map(v -> AvroFormat
                    .singleObjectSerde(InfilledTrajectory.class).deserializer().deserialize("t", v)).toList();
            List<DensityBands> b = bands.readValuesToList().stream().map(v -> AvroFormat
                    .singleObjectSerde(DensityBands.class).deserializer().deserialize("t", v)).toList();
            KeyValueStore<String, byte[]> flights = driver.getKeyValueStore(ForecastTopology.FLIGHTS_STORE);
            FlightTrack track = FlightTrack.fromBytes("406d95", flights.get("406d95"));
            return new Run(t, b, metrics, track);
        }
    }

    @Test
    void onChangesMostDuePassesAreSkippedAndEveryRecordSaysWhyItWasMade() throws Exception {
        List<Report> reports = flight();
        Run changes = run(CHANGES, reports);
        Run cadence = run(CADENCE, reports);

        // the cadence: one pass per 10 s of the 10 minutes, each record saying so
        assertTrue(Math.abs(cadence.bands().size() - 60) <= 2, cadence.bands().size() + " cadence records");
        assertEquals(Map.of("cadence", (long) cadence.bands().size()), cadence.reasons());
        assertEquals(0, cadence.decisions("skipped"));
        assertEquals(cadence.bands().size(), cadence.decisions("forecast"));
        assertEquals(0.0, cadence.metrics().registry().get("sigmavrate.forecast.skip.share").gauge().value());

        // on changes: fewer passes (the baseline's band is its point forecast ± the tolerance, narrower than the
        // σ-GPT's in level flight); the skipped due points are counted, and with the passes make the cadence's
        double skipped = changes.decisions("skipped");
        double made = changes.decisions("forecast");
        System.out.println("changes: " + changes.reasons() + ", skipped " + skipped + "; cadence "
                + cadence.bands().size());
        assertEquals(changes.bands().size(), made);
        assertTrue(skipped >= 0.3 * (skipped + made), skipped + " skipped, " + made + " forecast");
        assertEquals(skipped / (skipped + made),
                changes.metrics().registry().get("sigmavrate.forecast.skip.share").gauge().value(), 1e-12);
        assertTrue(changes.bands().size() < 0.8 * cadence.bands().size());
        assertTrue(skipped + made >= cadence.bands().size() - 2, "a due point is a pass or a skip");

        // why: the first, then reasons that need a standing forecast (the published ones were handed back)
        assertEquals("first", String.valueOf(changes.bands().get(0).getTrigger()));
        Map<String, Long> reasons = changes.reasons();
        assertEquals(1L, reasons.get("first"));
        assertTrue(reasons.getOrDefault("max-age", 0L) > 0, reasons.toString());
        assertTrue(reasons.getOrDefault("left-band", 0L) + reasons.getOrDefault("phase-change", 0L) > 0,
                reasons.toString());
        for (Map.Entry<String, Long> e : reasons.entrySet()) {
            assertTrue(Trigger.ofLabel(e.getKey()) != null && Trigger.ofLabel(e.getKey()) != Trigger.CADENCE,
                    e.getKey());
        }
        // both records of a forecast say the same, and the standing forecast is the last one published
        for (int i = 0; i < changes.bands().size(); i++) {
            assertEquals(changes.bands().get(i).getTrigger(), changes.trajectories().get(i).getTrigger());
        }
        DensityBands last = changes.bands().get(changes.bands().size() - 1);
        assertEquals(last.getLastReportTime().toEpochMilli(), changes.track().standing().lastReportTime());
        // the standing forecast never falls more than the max age behind: a pass at least every 60 s of reports
        List<Long> times = new ArrayList<>();
        changes.bands().forEach(b -> times.add(b.getLastReportTime().toEpochMilli()));
        times.add(reports.get(reports.size() - 1).timeMillis());
        for (int i = 1; i < times.size(); i++) {
            assertTrue(times.get(i) - times.get(i - 1) <= 61_000, "a gap of " + (times.get(i) - times.get(i - 1)));
        }
    }
}
