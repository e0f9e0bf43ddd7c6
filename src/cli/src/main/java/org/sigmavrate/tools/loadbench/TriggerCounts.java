package org.sigmavrate.tools.loadbench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;

/**
 * The re-forecast policy's decisions so far, summed over the service's instances: the counter
 * {@value #METRIC}{decision, reason} per (decision, reason). The skip share is the share of decisions that published
 * nothing (the previous forecast stands).
 */
record TriggerCounts(Map<String, Double> byDecisionAndReason) {
    static final String METRIC = "sigmavrate.forecast.triggers";
    static final String DECISION = "decision";
    static final String REASON = "reason";
    /** The decision under which a report that triggers no forecast is counted. */
    static final String SKIPPED = "skipped";

    static TriggerCounts of(List<ServiceInstance> instances) {
        Map<String, Double> out = new TreeMap<>();
        for (ServiceInstance i : instances) {
            for (Counter c : i.metrics.registry().find(METRIC).counters()) {
                out.merge(c.getId().getTag(DECISION) + "/" + c.getId().getTag(REASON), c.count(), Double::sum);
            }
        }
        return new TriggerCounts(out);
    }

    TriggerCounts minus(TriggerCounts earlier) {
        Map<String, Double> out = new TreeMap<>(byDecisionAndReason);
        if (earlier != null) {
            earlier.byDecisionAndReason.forEach((k, v) -> out.merge(k, -v, Double::sum));
        }
        return new TriggerCounts(out);
    }

    double total() {
        return byDecisionAndReason.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Share of the decisions that skipped; NaN when the service counted none (no policy metric). */
    double skipShare() {
        double total = total();
        if (total == 0) {
            return Double.NaN;
        }
        return byDecisionAndReason.entrySet().stream().filter(e -> e.getKey().startsWith(SKIPPED + "/"))
                .mapToDouble(Map.Entry::getValue).sum() / total;
    }
}
