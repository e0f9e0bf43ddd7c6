package org.sigmavrate.streaming;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.sigmavrate.model.eval.RollingSkill;
import org.sigmavrate.model.eval.StepSkill;

/** The service's own meters (Prometheus names get the {@code sigmavrate_} prefix and unit suffixes). */
public final class StreamingMetrics {
    private final MeterRegistry registry;
    private final Counter recordsIn;
    private final Counter lateDropped;
    private final Counter stretched;
    private final Counter pendingSuperseded;
    private final Counter expired;
    private final Timer inference;
    private final Timer triggerToOutput;
    private final DistributionSummary batchWindows;
    private final DistributionSummary forwardCalls;
    /**
     * Tagged counters by name, then tag value (or decision, then reason), registered on first use: looked up per
     * record without building a key string
     */
    private final Map<String, Map<String, Counter>> byTag = new ConcurrentHashMap<>();
    private final LongAdder decidedForecast = new LongAdder();
    private final LongAdder decidedSkipped = new LongAdder();
    private final Map<String, DistributionSummary> skillSummaries = new ConcurrentHashMap<>();
    private final RollingSkill rollingSkill = new RollingSkill();
    /**
     * Records skipped by {@link SkipAndCountHandler}, per handler. Kafka Streams creates its handlers itself, from a
     * class name, with no way to hand them this object: so they count in the process, and every instance shows the
     * process's counts on its registry (one topology per process in the service and in load-bench).
     */
    private static final Map<String, LongAdder> SKIPPED = new ConcurrentHashMap<>();
    static final List<String> HANDLERS = List.of("processing", "production", "serialization", "deserialization");

    static {
        HANDLERS.forEach(h -> SKIPPED.put(h, new LongAdder()));
    }

    public StreamingMetrics(MeterRegistry registry) {
        this.registry = registry;
        recordsIn = Counter.builder("sigmavrate.records.in").description("surveillance reports consumed")
                .register(registry);
        lateDropped = Counter.builder("sigmavrate.late.dropped")
                .description("reports older than the grace (or than their flight), counted and dropped").register(registry);
        stretched = Counter.builder("sigmavrate.cadence.stretched")
                .description("windows deferred because the batch was over capacity (least-changed flights wait)")
                .register(registry);
        pendingSuperseded = Counter.builder("sigmavrate.pending.superseded")
                .description("a flight's oldest pending windows dropped for its newer ones, over the per-flight cap")
                .register(registry);
        expired = Counter.builder("sigmavrate.state.expired")
                .description("aircraft removed from the stores after a silence longer than forecaster.state.expire-after-minutes")
                .register(registry);
        inference = Timer.builder("sigmavrate.inference").description("one batched forecaster call")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        triggerToOutput = Timer.builder("sigmavrate.trigger.to.output")
                .description("wall time from the triggering report to its outputs being sent")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
        batchWindows = DistributionSummary.builder("sigmavrate.batch.windows").description("windows per inference call")
                .publishPercentileHistogram().minimumExpectedValue(1.0).maximumExpectedValue(100_000.0).register(registry);
        forwardCalls = DistributionSummary.builder("sigmavrate.forward.calls.per.window")
                .description("model evaluations per infilled window").publishPercentileHistogram()
                .minimumExpectedValue(1.0).maximumExpectedValue(1000.0).register(registry);
        Gauge.builder("sigmavrate.forecast.skip.share", this, StreamingMetrics::skipShare)
                .description("share of the re-forecast decisions since start that skipped the density pass (the "
                        + "standing forecast stood); NaN before any. For a recent window: the PromQL in docs/STREAMING.md")
                .register(registry);
        for (String handler : HANDLERS) {
            FunctionCounter.builder("sigmavrate.records.skipped", SKIPPED.get(handler), LongAdder::doubleValue)
                    .description("records a Kafka Streams exception handler skipped (logged with where they were)")
                    .tag("handler", handler).register(registry);
        }
    }

    /** A record skipped by an exception handler, counted in the process (see {@link #SKIPPED}). */
    static void skipped(String handler) {
        SKIPPED.computeIfAbsent(handler, h -> new LongAdder()).increment();
    }

    public static StreamingMetrics noop() {
        return new StreamingMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The counter {@code name} for one value of its tag, registered on first use. */
    private Counter tagged(String name, String description, String tagKey, String tagValue) {
        return byTag.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).computeIfAbsent(tagValue,
                k -> Counter.builder(name).description(description).tag(tagKey, tagValue).register(registry));
    }

    /**
     * One decision of the re-forecast policy ({@code sigmavrate_forecast_triggers_total}): {@code forecast} with the
     * trigger's label as reason (first, left-band, phase-change, max-age, cadence), or {@code skipped} with reason
     * {@code confirmed}: the cadence was due, the standing forecast stands. The skip share is skipped / all.
     */
    public void triggerDecision(boolean forecast, String reason) {
        String decision = forecast ? "forecast" : "skipped";
        (forecast ? decidedForecast : decidedSkipped).increment();
        byTag.computeIfAbsent(forecast ? "trig\u0000forecast" : "trig\u0000skipped", k -> new ConcurrentHashMap<>())
                .computeIfAbsent(reason, k -> Counter.builder(
                "sigmavrate.forecast.triggers").description("re-forecast decisions at reports where the flight was "
                        + "due or changed: a density pass queued, or skipped because the standing forecast stands")
                .tag("decision", decision).tag("reason", reason).register(registry)).increment();
    }

    /** Skipped decisions over all decisions since start; NaN before any. */
    public double skipShare() {
        double skipped = decidedSkipped.sum();
        double all = skipped + decidedForecast.sum();
        return all == 0 ? Double.NaN : skipped / all;
    }

    public void recordIn() {
        recordsIn.increment();
    }

    public void deadLettered(String reason) {
        tagged("sigmavrate.dead.lettered", "records sent to the dead-letter topic", "reason", reason).increment();
    }

    public void ignored(String reason) {
        tagged("sigmavrate.ignored", "valid reports with nothing to place (on ground, no rate and no altitude)",
                "reason", reason).increment();
    }

    public void stateReset(String reason) {
        tagged("sigmavrate.state.reset", "aircraft whose stored state could not be read and was started afresh",
                "reason", reason).increment();
    }

    public void recordsOut(String topic, int n) {
        tagged("sigmavrate.records.out", "records produced", "topic", topic).increment(n);
    }

    /** A window whose call failed, kept for another attempt. */
    public void forecastRetried(String reason) {
        tagged("sigmavrate.forecast.retries",
                "windows whose inference call failed or timed out, kept for another attempt", "reason", reason)
                .increment();
    }

    /** A window that failed its last attempt, sent to the forecast-failures topic. */
    public void forecastFailed(String reason) {
        tagged("sigmavrate.forecast.failures",
                "windows whose inference failed its last attempt, sent to the forecast-failures topic", "reason",
                reason).increment();
    }

    /** Oldest pending windows of a flight dropped for its newer ones (the per-flight cap). */
    public void pendingSuperseded(int n) {
        if (n > 0) {
            pendingSuperseded.increment(n);
        }
    }

    public void lateDropped() {
        lateDropped.increment();
    }

    public void stretched(int n) {
        stretched.increment(n);
    }

    public void expired(int aircraft) {
        expired.increment(aircraft);
    }

    public void batch(int windows, long nanos, double forwardCallsPerWindow) {
        batchWindows.record(windows);
        inference.record(Duration.ofNanos(nanos));
        forwardCalls.record(forwardCallsPerWindow);
    }

    public void triggerToOutput(long millis) {
        triggerToOutput.record(Duration.ofMillis(Math.max(0, millis)));
    }

    /**
     * Forecast steps scored against their truth ({@code LiveSkill}), per horizon bucket: the summaries'
     * {@code _sum / _count} over a rate window are the rolling mean absolute error and CRPS (ft/min), and
     * {@code sigmavrate_skill_covered_total{band}} over the error's {@code _count} the coverage. The last ten minutes
     * are also kept for {@code /skill} ({@link #rollingSkill()}).
     */
    public void skill(List<StepSkill> scored) {
        if (scored.isEmpty()) {
            return;
        }
        long now = registry.config().clock().wallTime();
        for (StepSkill s : scored) {
            String horizon = s.horizon().label();
            skillSummary("sigmavrate.skill.abs.error", "absolute error of the published median (ft/min)", horizon)
                    .record(s.absError());
            skillSummary("sigmavrate.skill.crps", "CRPS of the published quantile fan (ft/min)", horizon)
                    .record(s.crps());
            if (s.in50()) {
                covered(horizon, "50");
            }
            if (s.in90()) {
                covered(horizon, "90");
            }
            rollingSkill.add(s, now);
        }
    }

    private DistributionSummary skillSummary(String name, String description, String horizon) {
        return skillSummaries.computeIfAbsent(name + "\u0000" + horizon, k -> DistributionSummary.builder(name)
                .description(description + ", per scored forecast step").tag("channel", "vertical_rate")
                .tag("horizon", horizon).register(registry));
    }

    private void covered(String horizon, String band) {
        byTag.computeIfAbsent("cov\u0000" + horizon, k -> new ConcurrentHashMap<>()).computeIfAbsent(band, k -> Counter.builder("sigmavrate.skill.covered")
                .description("scored forecast steps whose truth lay inside the central band")
                .tag("channel", "vertical_rate").tag("horizon", horizon).tag("band", band).register(registry))
                .increment();
    }

    /** The scored steps of the last ten minutes (wall clock), for {@code /skill}. */
    public RollingSkill rollingSkill() {
        return rollingSkill;
    }

    public double count(String name, String tagKey, String tagValue) {
        var search = registry.find(name);
        if (tagKey != null) {
            search = search.tag(tagKey, tagValue);
        }
        Counter c = search.counter();
        if (c != null) {
            return c.count();
        }
        FunctionCounter f = search.functionCounter();
        return f == null ? 0 : f.count();
    }
}
