package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * deploy/grafana/sigma-vrate.json queries only meters that exist: each {@code sigmavrate_*} series is a meter the
 * sources register (Micrometer's dotted name, Prometheus's suffixes), each {@code kafka_*} series one that
 * docs/STREAMING.md lists from the Kafka binder; every query goes to the dashboard's data-source variable.
 */
class GrafanaDashboardTest {
    private static final Path DASHBOARD = Path.of("deploy/grafana/sigma-vrate.json");
    private static final Pattern SERIES = Pattern.compile("\\b(sigmavrate|kafka)_[a-z0-9_]+");
    private static final Pattern METER = Pattern.compile("\"(sigmavrate(?:\\.[a-z0-9]+)+)\"");
    private static final List<String> SUFFIXES = List.of("_total", "_sum", "_count", "_bucket", "_max");

    @Test
    void everyQueriedSeriesIsAMeterOfTheServiceOrTheKafkaBinder() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<String> meters = registeredMeters();
        String docs = Files.readString(Path.of("docs/STREAMING.md"));
        List<String> queried = new ArrayList<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.path("targets")) {
                assertEquals("${datasource}", target.get("datasource").get("uid").asText(), panel.get("title").asText());
                Matcher m = SERIES.matcher(target.get("expr").asText());
                while (m.find()) {
                    queried.add(m.group());
                }
            }
        }
        assertTrue(queried.containsAll(List.of("sigmavrate_skill_abs_error_sum", "sigmavrate_skill_crps_sum",
                "sigmavrate_skill_covered_total", "sigmavrate_records_in_total",
                "kafka_consumer_fetch_manager_records_lag_max", "sigmavrate_stream_thread_failures_total")), queried.toString());
        for (String series : queried) {
            if (series.startsWith("kafka_")) {
                assertTrue(docs.contains(series), series + " is not among the binder's meters in docs/STREAMING.md");
            } else {
                assertTrue(isMeter(series, meters), series + " is no meter of " + meters);
            }
        }
    }

    private static boolean isMeter(String series, Set<String> meters) {
        List<String> candidates = new ArrayList<>(List.of(series));
        for (String suffix : SUFFIXES) {
            if (series.endsWith(suffix)) {
                candidates.add(series.substring(0, series.length() - suffix.length()));
            }
        }
        for (String c : List.copyOf(candidates)) {
            if (c.endsWith("_seconds")) {
                candidates.add(c.substring(0, c.length() - "_seconds".length()));
            }
        }
        return candidates.stream().anyMatch(c -> meters.contains(c.replace('_', '.')));
    }

    /** The dotted meter names the main sources register. */
    private static Set<String> registeredMeters() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Path.of("src"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .toList()) {
                Matcher m = METER.matcher(Files.readString(f));
                while (m.find()) {
                    names.add(m.group(1));
                }
            }
        }
        return names;
    }
}
