package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.Report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The dashboard in a real browser: the packaged service against the in-JVM broker, real recorded flights replayed
 * into it with the shipped σ-GPT forecasting them, and Debian's headless Chromium on its page. The list fills with the
 * aircraft the service forecasts, the fan charts of a known aircraft draw its bands, and a later report of that aircraft reaches the chart through the
 * server-sent events. Prints the page's first contentful paint and each update's latency (bands read by the service
 * to chart drawn, and report produced to chart drawn); asserts no timing. Skipped without /usr/bin/chromium.
 */
class DashboardIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int HELD_BACK = 3;

    @Test
    void theListFillsTheFanChartsDrawTheBandsAndANewReportReachesTheChart() throws Exception {
        Assumptions.assumeTrue(HeadlessChromium.available(), "no " + HeadlessChromium.BINARY
                + ": apt-get install chromium to run the browser test");
        try (TestBroker cluster = ServiceIT.startCluster()) {
            StreamingSettings.Topics topics = ServiceIT.topics("it-dashboard");
            TopicAdmin.ensure(cluster.bootstrapServers(), topics, 2, (short) 1);
            Map<String, List<Report>> flights = flights();
            String known = flights.entrySet().stream().max(Comparator.comparingInt(e -> e.getValue().size()))
                    .orElseThrow().getKey();
            List<Report> knownReports = flights.get(known);
            List<Report> heldBack = knownReports.subList(knownReports.size() - HELD_BACK, knownReports.size());
            List<Report> first = new ArrayList<>();
            flights.values().forEach(first::addAll);
            first.removeAll(heldBack);
            first = Replay.inTimeOrder(first);

            int port = ServiceIT.freePort();
            Path log = Files.createTempFile("serve-dashboard", ".log");
            Process service = ServiceIT.serve(cluster.bootstrapServers(), topics, "it-dashboard",
                    Files.createTempDirectory("state"), port, log, List.of("-Dforecaster.model=sigma-gpt"));
            HttpClient http = HttpClient.newHttpClient();
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                    Replay.producerConfig(cluster.bootstrapServers()), new StringSerializer(), new ByteArraySerializer());
                    HeadlessChromium browser = HeadlessChromium.start(1400, 960)) {
                ServiceIT.get(http, port, "/dashboard/aircraft"); // the feed starts reading
                first.forEach(r -> send(producer, topics, r));
                producer.flush();
                JsonNode fleet = awaitSettledFleet(http, port, known, Duration.ofSeconds(60), log);
                int listed = fleet.path("aircraft").size();
                JsonNode summary = fleet.path("aircraft").findParents("icao24").stream()
                        .filter(a -> a.path("icao24").asText().equals(known)).findFirst().orElseThrow();
                // what the service last published for it (under load its newest window may still wait: cadence stretched)
                long lastPublished = summary.path("lastReportTime").asLong();

                browser.navigate("http://localhost:" + port + "/?icao24=" + known);
                assertTrue(browser.await("document.querySelectorAll('#aircraft-list tr').length >= " + listed,
                        Duration.ofSeconds(20)), "the list fills with the " + listed + " aircraft the service lists; page problems: " + browser.problems());
                assertTrue(browser.await("document.querySelector('#aircraft-list tr[data-icao24=\"" + known + "\"]')",
                        Duration.ofSeconds(5)), known + " is listed");
                String drawn = "document.getElementById('chart-rate').dataset.lastReportTime == '" + lastPublished + "'"
                        + " && document.getElementById('chart-altitude').dataset.lastReportTime == '" + lastPublished + "'";
                assertTrue(browser.await(drawn, Duration.ofSeconds(20)), "the fan charts of " + known
                        + " show its bands of " + lastPublished + ", not "
                        + browser.evaluate("document.getElementById('chart-rate').dataset.lastReportTime") + " (service: "
                        + ServiceIT.get(http, port, "/dashboard/bands/" + known).body().replaceAll("\"steps\".*", "")
                        + "); page problems: " + browser.problems());
                int steps = summary.path("steps").asInt();
                // the bands the charts draw: which steps they mark observed depends on the flight's recent reports
                // (a thinned flight may carry no rate in its window), so each chart is held to the service's bands
                JsonNode drawnBands = JSON.readTree(ServiceIT.get(http, port, "/dashboard/bands/" + known).body());
                assertEquals(lastPublished, drawnBands.path("last_report_time").asLong(), "the bands drawn");
                int observedSteps = 0;
                for (String chart : List.of("chart-rate", "chart-altitude")) {
                    String channel = chart.equals("chart-rate") ? "vertical_rate" : "altitude";
                    int observed = 0;
                    for (JsonNode step : drawnBands.path("steps")) {
                        observed += step.path(channel).path("observed").asBoolean() ? 1 : 0;
                    }
                    observedSteps += observed;
                    assertEquals(steps, browser.evaluate("+document.getElementById('" + chart + "').dataset.steps")
                            .asInt(), chart + " draws every step of the bands");
                    JsonNode polygons = browser.evaluate("[...document.querySelectorAll('#" + chart
                            + " polygon.band')].map(p => p.getAttribute('class') + ' ' + p.points.numberOfItems)");
                    assertEquals(List.of("band band-90 " + 2 * steps, "band band-50 " + 2 * steps),
                            JSON.convertValue(polygons, List.class), chart + ": the 90% and 50% bands, two points a step");
                    assertEquals(observed, browser.evaluate("document.querySelectorAll('#" + chart
                            + " circle.observed').length").asInt(), chart + " marks each observed step of the bands");
                    assertTrue(browser.evaluate("+document.querySelector('#" + chart + " rect.forecast-region')"
                            + ".getAttribute('width')").asDouble() > 0, chart + " marks the forecast region");
                }
                assertTrue(observedSteps > 0, "the window of " + known + " has observed steps: " + drawnBands);
                assertTrue(browser.evaluate("document.getElementById('meta').textContent").asText()
                        .contains("model " + summary.path("modelId").asText()), "the model id is shown");
                // the map places every aircraft whose bands carry a position; the list shows callsigns
                int placed = 0;
                for (JsonNode a : fleet.path("aircraft")) {
                    placed += a.path("latitude").isNumber() ? 1 : 0;
                }
                assertTrue(placed > 0, "the replayed flights carry positions: " + fleet);
                assertTrue(browser.await("document.querySelectorAll('#map circle.pos').length == " + placed,
                        Duration.ofSeconds(5)), placed + " aircraft on the map");
                if (summary.path("callsign").isTextual()) {
                    assertEquals(summary.path("callsign").asText(), browser.evaluate("document.querySelector("
                            + "'#aircraft-list tr[data-icao24=\"" + known + "\"] td:nth-child(2)').textContent").asText());
                }
                // the skill panel shows exactly when the service answers /skill
                boolean skill = ServiceIT.get(http, port, "/skill").statusCode() == 200;
                assertTrue(browser.await("document.getElementById('skill').hidden == " + !skill, Duration.ofSeconds(5)),
                        "the skill panel is " + (skill ? "shown" : "hidden"));
                double firstPaint = browser.evaluate("(performance.getEntriesByName('first-contentful-paint')[0] || {})"
                        + ".startTime || -1").asDouble();
                double listFilled = browser.evaluate("dashboard.listFilledAt").asDouble();

                // live: each held-back report reaches the chart through Kafka, the service's feed and its events
                List<Long> endToEnd = new ArrayList<>();
                for (Report r : heldBack) {
                    long sent = System.currentTimeMillis();
                    send(producer, topics, r);
                    producer.flush();
                    // drawn: the page notes the latency once the chart's frame is painted
                    assertTrue(browser.await("document.getElementById('chart-rate').dataset.lastReportTime == '"
                            + r.timeMillis() + "' && dashboard.latencies.some(l => l.lastReportTime == " + r.timeMillis()
                            + ")", Duration.ofSeconds(20)),
                            "the report of " + r.timeMillis() + " reaches the chart (log: " + log + ")");
                    endToEnd.add(browser.evaluate("dashboard.latencies.filter(l => l.lastReportTime == " + r.timeMillis()
                            + ").map(l => l.drawnAt)[0]").asLong() - sent);
                }
                List<Long> feedToChart = new ArrayList<>();
                for (JsonNode l : browser.evaluate("dashboard.latencies.filter(l => l.lastReportTime > " + lastPublished
                        + ")")) {
                    feedToChart.add(l.path("drawnAt").asLong() - l.path("receivedAt").asLong());
                }
                assertEquals(HELD_BACK, feedToChart.size(), "one drawing per new bands record of " + known);
                browser.screenshot(Path.of("src/service/target/dashboard.png"));
                assertEquals(List.of(), browser.problems(), "no script errors on the page");
                System.out.printf("dashboard: %d aircraft listed; first contentful paint %.0f ms after navigation, list "
                        + "filled at %.0f ms; new bands read by the service -> chart drawn: %s ms; report produced -> "
                        + "chart drawn: %s ms; screenshot src/service/target/dashboard.png%n", listed, firstPaint,
                        listFilled, feedToChart, endToEnd);
            } finally {
                service.destroy();
                service.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * The ten aircraft with the most reports in the eastham recording (ADS-B over the San Francisco Bay Area), a
     * report every 20-40 s, moved into the last half hour.
     */
    private static Map<String, List<Report>> flights() throws Exception {
        List<Report> all = Replay.load(List.of(Path.of("data/flights/eastham")), System.err);
        Map<String, Long> counts = all.stream().collect(Collectors.groupingBy(Report::icao24, Collectors.counting()));
        List<String> chosen = counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).limit(10).map(Map.Entry::getKey).toList();
        List<Report> some = all.stream().filter(r -> chosen.contains(r.icao24())).toList();
        some = Replay.thin(some, 20, false, 7L);
        some = Replay.alignStarts(some, System.currentTimeMillis() - 30 * 60_000L);
        long now = System.currentTimeMillis();
        return Replay.inTimeOrder(some).stream().filter(r -> r.timeMillis() < now)
                .collect(Collectors.groupingBy(Report::icao24));
    }

    private static void send(KafkaProducer<String, byte[]> producer, StreamingSettings.Topics topics, Report r) {
        producer.send(new ProducerRecord<>(topics.input(), null, r.timeMillis(), r.icao24(),
                Fixtures.bytes(Replay.toAvro(r))));
    }

    /** Waits until the service's dashboard lists the aircraft and has read no new bands for three seconds. */
    private static JsonNode awaitSettledFleet(HttpClient http, int port, String icao24, Duration timeout, Path log)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode fleet = null;
        long newest = -1;
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            fleet = JSON.readTree(ServiceIT.get(http, port, "/dashboard/aircraft").body());
            long n = 0;
            boolean listed = false;
            for (JsonNode a : fleet.path("aircraft")) {
                n = Math.max(n, a.path("receivedAt").asLong());
                listed |= a.path("icao24").asText().equals(icao24);
            }
            if (n != newest) {
                newest = n;
                quietSince = System.nanoTime();
            } else if (listed && System.nanoTime() - quietSince > Duration.ofSeconds(3).toNanos()) {
                return fleet;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the dashboard did not list " + icao24 + " and settle: " + fleet + " (log: " + log + ")");
    }
}
