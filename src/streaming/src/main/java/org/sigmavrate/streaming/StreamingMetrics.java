package org.sigmavrate.streaming;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The service's own meters (Prometheus names get the {@code sigmavrate_} prefix and unit suffixes). */
public final class StreamingMetrics {
    private final MeterRegistry registry;
    private final Counter recordsIn;
    private final Counter lateDropped;
    private final Counter stretched;
    private final Counter expired;
    private final Timer inference;
    private final Timer triggerToOutput;
    private final DistributionSummary batchWindows;
    private final DistributionSummary forwardCalls;
    private final Map<String, Counter> byTag = new ConcurrentHashMap<>();

    public StreamingMetrics(MeterRegistry registry) {
        this.registry = registry;
        recordsIn = Counter.builder("sigmavrate.records.in").description("surveillance reports consumed")
                .register(registry);
        lateDropped = Counter.builder("sigmavrate.late.dropped")
                .description("reports older than the grace (or than their flight), counted and dropped").register(registry);
        stretched = Counter.builder("sigmavrate.cadence.stretched")
                .description("windows deferred because the batch was over capacity (least-changed flights wait)")
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
    }

    public static StreamingMetrics noop() {
        return new StreamingMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    public void recordIn() {
        recordsIn.increment();
    }

    public void deadLettered(String reason) {
        byTag.computeIfAbsent("dlq\u0000" + reason, k -> Counter.builder("sigmavrate.dead.lettered")
                .description("records sent to the dead-letter topic").tag("reason", reason).register(registry))
                .increment();
    }

    public void ignored(String reason) {
        byTag.computeIfAbsent("ign\u0000" + reason, k -> Counter.builder("sigmavrate.ignored")
                .description("valid reports with nothing to place (on ground, no rate and no altitude)")
                .tag("reason", reason).register(registry)).increment();
    }

    public void recordsOut(String topic, int n) {
        byTag.computeIfAbsent("out\u0000" + topic, k -> Counter.builder("sigmavrate.records.out")
                .description("records produced").tag("topic", topic).register(registry)).increment(n);
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

    public double count(String name, String tagKey, String tagValue) {
        var search = registry.find(name);
        if (tagKey != null) {
            search = search.tag(tagKey, tagValue);
        }
        Counter c = search.counter();
        return c == null ? 0 : c.count();
    }
}
