package org.sigmavrate.tools.loadbench;

import static org.sigmavrate.tools.loadbench.BenchOutput.out;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.sigmavrate.batching.InferencePool;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.StreamingMetrics;
import org.sigmavrate.streaming.StreamingSettings;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The ladder: the service as configured runs in this JVM while the {@link LoadGenerator} sends N aircraft's reports,
 * a warm-up at the first N, then each N for the step's duration; one {@link LadderStep} per N, printed as a
 * {@link LadderTable} row as it ends.
 */
final class Ladder {
    /** The steps, the forecaster's recorded calls and the batches of the most loaded saturated step (or null). */
    record Outcome(List<LadderStep> steps, RecordingForecaster recording, List<List<ObservedWindow>> saturatedBatches) {
    }

    private final StreamingSettings settings;
    private final Spec spec;
    private final WindowForecaster forecaster;
    private final int inferenceThreads;
    private final int[] ladder;
    private final int warmupSeconds;
    private final int stepSeconds;

    Ladder(StreamingSettings settings, Spec spec, WindowForecaster forecaster, int inferenceThreads, int[] ladder,
            int warmupSeconds, int stepSeconds) {
        this.settings = settings;
        this.spec = spec;
        this.forecaster = forecaster;
        this.inferenceThreads = inferenceThreads;
        this.ladder = ladder;
        this.warmupSeconds = warmupSeconds;
        this.stepSeconds = stepSeconds;
    }

    /** Runs the ladder; the service's streams and inference threads are stopped when it returns. */
    Outcome run(String bootstrap, MultiplexedFlights flights) throws Exception {
        StreamingSettings.Topics topics = new StreamingSettings.Topics("lb-in", "lb-traj", "lb-bands", "lb-dlq",
                "lb-forecast-failures");
        BenchKafka.createTopics(bootstrap, 2, topics.input(), topics.trajectories(), topics.bands(), topics.deadLetter(),
                topics.forecastFailures());
        StreamingSettings s = settings.withTopics(topics);
        StreamingMetrics metrics = new StreamingMetrics(new SimpleMeterRegistry());
        RecordingForecaster recording = new RecordingForecaster(forecaster, 200);
        String appId = "lb-service";
        Properties props = BenchKafka.streamsProps(bootstrap, appId, BenchKafka.streamsConfig(bootstrap)
                .getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
        out("%nladder: the service (%s, %s, cadence %d s, batch every %d ms, budget %d ms, max %d windows, "
                + "inference off the stream thread on %d thread(s)) on %s; N aircraft at 1 report/s, %d s warm-up at "
                + "the first N, %d s per step", forecaster.modelId(),
                BenchKafka.label(props.getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)),
                s.rules().cadenceMillis() / 1000, s.batchEveryMillis(), s.batchBudgetMillis(), s.maxBatchWindows(),
                inferenceThreads, topics.input(), warmupSeconds, stepSeconds);
        out("end-to-end = wall time a bands record is read (read_committed) minus the event time of the report that "
                + "triggered it, stamped by the generator when it sent it; new aircraft join over %d s at the start of "
                + "a step; figures from the second half of each step, lag max over the whole step; steps/win: mean "
                + "window length (64 once an aircraft has been seen for 520 s)", LoadGenerator.RAMP_MS / 1000);
        // the service's inference threads, whose stuck worker the watchdog can replace
        ExecutorService inference = new InferencePool(inferenceThreads, "lb-inference");
        KafkaStreams streams = new KafkaStreams(ForecastTopology.build(s, spec, recording, AvroFormat.singleObject(),
                metrics, inference), props);
        streams.start();
        BenchKafka.awaitRunning(streams);

        LoadGenerator generator = new LoadGenerator(bootstrap, topics.input(), flights, ladder[0]);
        BandsReader reader = new BandsReader(bootstrap, topics.bands());
        generator.start();
        reader.start();
        List<List<ObservedWindow>> saturatedBatches = null;
        int saturatedN = 0;
        try (Admin admin = BenchKafka.admin(bootstrap)) {
            Thread.sleep(warmupSeconds * 1000L);
            LadderTable.header();
            List<LadderStep> steps = new ArrayList<>();
            for (int n : ladder) {
                LadderStep step = step(n, generator, reader, admin, appId, topics.input(), metrics, recording);
                steps.add(step);
                if (step.stretched > 0 && (saturatedBatches == null || step.n > saturatedN)) {
                    // ceiling (b) replays the batches of the most loaded saturated step, not the last step's
                    saturatedBatches = recording.recentBatches();
                    saturatedN = step.n;
                }
                LadderTable.row(step);
            }
            generator.stop();
            reader.stop();
            generator.join(10_000);
            reader.join(10_000);
            LadderTable.capacity(steps);
            streams.close(Duration.ofSeconds(30));
            inference.shutdown();
            inference.awaitTermination(60, TimeUnit.SECONDS);
            return new Outcome(steps, recording, saturatedBatches);
        } finally {
            generator.stop();
            reader.stop();
            streams.close(Duration.ofSeconds(30));
        }
    }

    /** One step at N aircraft: lag sampled every second, rates and counts over the step's second half. */
    private LadderStep step(int n, LoadGenerator generator, BandsReader reader, Admin admin, String appId,
            String inputTopic, StreamingMetrics metrics, RecordingForecaster recording) throws Exception {
        long start = System.currentTimeMillis();
        generator.rampTo(n, start);
        long mid = start + stepSeconds * 500L;
        long sent0 = 0;
        double stretched0 = 0;
        List<double[]> lag = new ArrayList<>();
        boolean inSecondHalf = false;
        while (System.currentTimeMillis() - start < stepSeconds * 1000L) {
            Thread.sleep(1000);
            if (!inSecondHalf && System.currentTimeMillis() >= mid) {
                inSecondHalf = true;
                mid = System.currentTimeMillis();
                sent0 = generator.sent();
                stretched0 = metrics.count("sigmavrate.cadence.stretched", null, null);
            }
            lag.add(new double[] {(System.currentTimeMillis() - start) / 1000.0,
                    BenchKafka.lag(admin, appId, inputTopic)});
            if (generator.failure() != null) {
                throw generator.failure();
            }
        }
        long end = System.currentTimeMillis();
        return new LadderStep(n, mid, end, (generator.sent() - sent0) * 1000.0 / (end - mid), lag,
                metrics.count("sigmavrate.cadence.stretched", null, null) - stretched0, recording.calls(),
                reader.latencies());
    }
}
