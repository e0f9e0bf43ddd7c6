package org.sigmavrate.tools.loadbench;

import static org.sigmavrate.tools.loadbench.BenchOutput.out;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.StreamsConfig;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.streaming.StreamingSettings;

/**
 * The ladder: the service as configured runs in this JVM ({@code instances} instances sharing one application id,
 * hence the input's partitions) while the {@link LoadGenerator} sends N aircraft's reports, a warm-up at the first
 * N, then each N for the step's duration; one {@link LadderStep} per N, printed as a {@link LadderTable} row as it
 * ends.
 */
final class Ladder {
    static final String APP_ID = "lb-service";
    /** How far before a step's second half a coverage gap still counts: the gap across its start can be that long. */
    static final long COVERAGE_LOOKBACK_SECONDS = 180;

    /** The steps, the first instance's recorded calls and the batches of the most loaded saturated step (or null). */
    record Outcome(List<LadderStep> steps, RecordingForecaster recording, List<List<ObservedWindow>> saturatedBatches) {
    }

    private final StreamingSettings settings;
    private final String policy;
    private final Spec spec;
    private final WindowForecaster forecaster;
    private final int inferenceThreads;
    private final int[] ladder;
    private final int warmupSeconds;
    private final int stepSeconds;
    private final int instanceCount;
    private final int partitions;
    private final long brokerPid;

    /**
     * @param settings  the service's settings, the re-forecast policy included
     * @param policy    that policy's name, for the table
     * @param brokerPid the broker's process, whose CPU time each step reports; -1: none
     */
    Ladder(StreamingSettings settings, String policy, Spec spec, WindowForecaster forecaster, int inferenceThreads,
            int[] ladder, int warmupSeconds, int stepSeconds, int instances, int partitions, long brokerPid) {
        this.settings = settings;
        this.policy = policy;
        this.spec = spec;
        this.forecaster = forecaster;
        this.inferenceThreads = inferenceThreads;
        this.ladder = ladder;
        this.warmupSeconds = warmupSeconds;
        this.stepSeconds = stepSeconds;
        this.instanceCount = instances;
        this.partitions = partitions;
        this.brokerPid = brokerPid;
    }

    /** Runs the ladder; the service's streams and inference threads are stopped when it returns. */
    Outcome run(String bootstrap, MultiplexedFlights flights) throws Exception {
        StreamingSettings.Topics topics = new StreamingSettings.Topics("lb-in", "lb-traj", "lb-bands", "lb-dlq",
                "lb-forecast-failures");
        BenchKafka.createTopics(bootstrap, partitions, topics.input(), topics.trajectories(), topics.bands(),
                topics.deadLetter(), topics.forecastFailures());
        StreamingSettings s = settings.withTopics(topics);
        String guarantee = BenchKafka.streamsConfig(bootstrap).getProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG);
        var reforecast = s.rules().reforecast();
        out("%nladder: the service (%s, %s, re-forecast policy %s%s, windows of %d steps, cadence %d s, batch every %d "
                + "ms, budget %d ms, max %d windows, inference off the stream thread on %d thread(s)) x %d instance(s) "
                + "in this JVM on %s (%d partitions); N aircraft at 1 report/s, %d s warm-up at the first N, %d s per "
                + "step", forecaster.modelId(), BenchKafka.label(guarantee), policy, reforecast.onChanges()
                        ? String.format(java.util.Locale.ROOT, " (band %d%%, max age %d s)", reforecast.bandPercent(),
                                reforecast.maxAgeMillis() / 1000) : "",
                s.rules().windowSteps(), s.rules().cadenceMillis() / 1000,
                s.batchEveryMillis(), s.batchBudgetMillis(), s.maxBatchWindows(), inferenceThreads, instanceCount,
                topics.input(), partitions, warmupSeconds, stepSeconds);
        out("end-to-end = wall time a bands record is read (read_committed) minus the event time of the report that "
                + "triggered it, stamped by the generator when it sent it; band e2e: the same for records triggered by "
                + "a report that left its forecast's band; age: per aircraft, the largest gap between its published "
                + "forecasts' latest report times (or from the latest to the step's end); skip: share of the policy's "
                + "decisions (sigmavrate_forecast_triggers_total) that kept the standing forecast; genlag: most a "
                + "100-ms slice of the generator started late; the first N join over %d s (the max age: their max-age "
                + "re-forecasts spread as in real traffic), new aircraft over %d s at the start of a step; figures from "
                + "the second half of each step, lag max over the whole step; steps/win: mean window length (%d once "
                + "an aircraft has been seen for %d s)", LoadGenerator.INITIAL_RAMP_MS / 1000, LoadGenerator.RAMP_MS / 1000,
                s.rules().windowSteps(), (s.rules().windowSteps() * s.rules().grid().stepMillis()
                        - s.rules().horizonMillis()) / 1000);
        List<ServiceInstance> instances = new ArrayList<>();
        LoadGenerator generator = null;
        BandsReader reader = null;
        try {
            // every instance joins before any report is sent: with empty stores all are caught up, so the assignor
            // spreads the stateful tasks at once (a late joiner would first get warm-up replicas only)
            for (int i = 0; i < instanceCount; i++) {
                Properties props = BenchKafka.streamsProps(bootstrap, APP_ID, guarantee);
                props.put(StreamsConfig.CLIENT_ID_CONFIG, APP_ID + "-" + (i + 1));
                instances.add(new ServiceInstance(i + 1, s, spec, forecaster, inferenceThreads, props));
            }
            awaitAssigned(instances);
            generator = new LoadGenerator(bootstrap, topics.input(), flights, ladder[0]);
            reader = new BandsReader(bootstrap, topics.bands(), Arrays.stream(ladder).max().orElse(0));
            generator.start();
            reader.start();
            if (!reader.hasTrigger()) {
                out("(the bands records name no trigger: no band e2e column)");
            }
            List<List<ObservedWindow>> saturatedBatches = null;
            int saturatedN = 0;
            CpuShares cpu = new CpuShares(brokerPid, APP_ID);
            List<LadderStep> steps = new ArrayList<>();
            try (Admin admin = BenchKafka.admin(bootstrap)) {
                Thread.sleep(warmupSeconds * 1000L);
                LadderTable.header();
                for (int n : ladder) {
                    LadderStep step = step(n, generator, reader, admin, topics.input(), instances, cpu, flights);
                    steps.add(step);
                    if (step.stretched > 0 && (saturatedBatches == null || step.n > saturatedN)) {
                        // ceiling (b) replays the batches of the most loaded saturated step, not the last step's
                        saturatedBatches = instances.get(0).recording.recentBatches();
                        saturatedN = step.n;
                    }
                    LadderTable.row(step);
                }
            }
            LadderTable.capacity(steps);
            return new Outcome(steps, instances.get(0).recording, saturatedBatches);
        } finally {
            if (generator != null) {
                generator.stop();
                generator.join(10_000);
            }
            if (reader != null) {
                reader.stop();
                reader.join(10_000);
            }
            for (ServiceInstance i : instances) {
                i.close();
            }
        }
    }

    /** Waits until every instance runs and, where there are enough partitions, each has some of the input's. */
    private void awaitAssigned(List<ServiceInstance> instances) throws InterruptedException {
        for (ServiceInstance i : instances) {
            i.awaitRunning();
        }
        long deadline = System.currentTimeMillis() + 60_000;
        while (System.currentTimeMillis() < deadline) {
            Set<Integer> all = new TreeSet<>();
            boolean each = true;
            for (ServiceInstance i : instances) {
                Set<Integer> mine = i.inputPartitions();
                each &= !mine.isEmpty() || instances.size() > partitions;
                all.addAll(mine);
            }
            if (each && all.size() == partitions) {
                break;
            }
            Thread.sleep(200);
        }
        for (ServiceInstance i : instances) {
            out("instance %d: input partitions %s", i.index, i.inputPartitions());
        }
    }

    /** One step at N aircraft: lag sampled every second, rates and counts over the step's second half. */
    private LadderStep step(int n, LoadGenerator generator, BandsReader reader, Admin admin, String inputTopic,
            List<ServiceInstance> instances, CpuShares cpu, MultiplexedFlights flights) throws Exception {
        long start = System.currentTimeMillis();
        generator.rampTo(n, start);
        long mid = start + stepSeconds * 500L;
        long sent0 = 0;
        double stretched0 = 0;
        TriggerCounts triggers0 = null;
        double[] in0 = new double[instances.size()];
        long[] windows0 = new long[instances.size()];
        CpuShares.Sample cpu0 = null;
        List<double[]> lag = new ArrayList<>();
        boolean inSecondHalf = false;
        while (System.currentTimeMillis() - start < stepSeconds * 1000L) {
            Thread.sleep(1000);
            if (!inSecondHalf && System.currentTimeMillis() >= mid) {
                inSecondHalf = true;
                mid = System.currentTimeMillis();
                sent0 = generator.sent();
                stretched0 = stretched(instances);
                triggers0 = TriggerCounts.of(instances);
                for (int i = 0; i < instances.size(); i++) {
                    in0[i] = instances.get(i).reportsIn();
                    windows0[i] = instances.get(i).windows();
                }
                reader.markAges();
                generator.takeMaxBehind();
                cpu0 = cpu.sample();
            }
            lag.add(new double[] {(System.currentTimeMillis() - start) / 1000.0,
                    BenchKafka.lag(admin, APP_ID, inputTopic, partitions)});
            if (generator.failure() != null) {
                throw generator.failure();
            }
        }
        long end = System.currentTimeMillis();
        CpuShares.Sample cpu1 = cpu.sample();
        List<LadderStep.InstanceFigures> perInstance = new ArrayList<>();
        List<RecordingForecaster.Call> calls = new ArrayList<>();
        for (int i = 0; i < instances.size(); i++) {
            ServiceInstance inst = instances.get(i);
            double seconds = (end - mid) / 1000.0;
            perInstance.add(new LadderStep.InstanceFigures(inst.index, inst.inputPartitions(),
                    (inst.reportsIn() - in0[i]) / seconds, (inst.windows() - windows0[i]) / seconds));
            calls.addAll(inst.recording.calls());
        }
        return new LadderStep(n, policy, mid, end, (generator.sent() - sent0) * 1000.0 / (end - mid), lag,
                stretched(instances) - stretched0, calls, reader.reads(),
                reader.ages(end, n, LadderStep.AGE_TARGET_MILLIS, covered(flights, generator, n, mid, end, true)),
                reader.ages(end, n, LadderStep.AGE_TARGET_MILLIS, covered(flights, generator, n, mid, end, false)),
                TriggerCounts.of(instances).minus(triggers0), generator.takeMaxBehind(),
                CpuShares.describe(cpu0, cpu1), perInstance);
    }

    /**
     * Which aircraft reported an altitude or a rate at every second from {@value #COVERAGE_LOOKBACK_SECONDS} s before
     * {@code from} to {@code to} ({@code covered}), or which had a coverage gap then (not {@code covered}): the
     * recorded flights have gaps, in which nothing can re-forecast an aircraft, so the age target is read on the
     * aircraft without one and the others are shown apart.
     */
    private static boolean[] covered(MultiplexedFlights flights, LoadGenerator generator, int n, long from, long to,
            boolean covered) {
        boolean[] out = new boolean[n];
        long s0 = generator.secondAt(from) - COVERAGE_LOOKBACK_SECONDS;
        long s1 = generator.secondAt(to);
        for (int a = 0; a < n; a++) {
            boolean all = true;
            for (long s = Math.max(0, s0); s <= s1 && all; s++) {
                all = flights.hasData(a, s);
            }
            out[a] = all == covered;
        }
        return out;
    }

    private static double stretched(List<ServiceInstance> instances) {
        return instances.stream().mapToDouble(i -> i.metrics.count("sigmavrate.cadence.stretched", null, null)).sum();
    }
}
