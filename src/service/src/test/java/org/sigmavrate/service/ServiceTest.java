package org.sigmavrate.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.processor.StateRestoreListener;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.Replay;

import io.quarkus.arc.Arc;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The service as Quarkus runs it (the default σ-GPT from models/, the Kafka Streams extension) against a real broker:
 * health with the extension's checks and the model's, metrics from the Kafka Streams binder and the project's meters,
 * real reports in and density bands out through /forecasts/{icao24}, the OpenAPI document and Swagger UI.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true)
class ServiceTest {
    /** set by the build (surefire's environmentVariables): proves that KAFKA_STREAMS_* reaches Kafka Streams */
    private static final String CLIENT_ID = "sigma-vrate-env-test";

    @BeforeEach
    void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (given().get("/q/health/ready").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "not ready in 90 s: "
                    + given().get("/q/health/ready").asString());
            Thread.sleep(250);
        }
    }

    @Test
    void liveAndReadyWithTheKafkaStreamsChecksAndTheModel() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka Streams state health check", "stream threads not failing in a loop"))
                .body("checks.find { it.name == 'stream threads not failing in a loop' }.data.failures_in_window",
                        equalTo(0));
        Response ready = given().get("/q/health/ready");
        ready.then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItems("Kafka Streams topics health check", "Kafka Streams source topics",
                        "Kafka Streams running", "model"))
                .body("checks.find { it.name == 'model' }.data.model", equalTo("sgpt-small-v2-int8"))
                .body("checks.find { it.name == 'Kafka Streams running' }.data.restoring_stores", equalTo(0))
                .body("checks.find { it.name == 'Kafka Streams source topics' }.data.available_topics",
                        equalTo("surveillance-reports"));
        // the extension hands Kafka Streams the beans that resolve for these types (Instance<...> in
        // KafkaStreamsProducer): the health checks' own
        assertTrue(Arc.container().select(StreamsUncaughtExceptionHandler.class).get() instanceof StreamThreadFailures);
        assertTrue(Arc.container().select(StateRestoreListener.class).get() instanceof StateRestorations);
    }

    @Test
    void realReportsInDensityBandsOutOnTheRestEndpoint() throws Exception {
        List<Report> flight = oneAircraft();
        String icao24 = flight.get(0).icao24();
        given().get("/forecasts/" + icao24).then().statusCode(404);
        Replay.produce(flight, KafkaResource.bootstrapServers(), "surveillance-reports", 0,
                AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer(), System.err);
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        Response r = given().get("/forecasts/" + icao24.toUpperCase());
        while (r.statusCode() != 200 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            r = given().get("/forecasts/" + icao24);
        }
        assertEquals(200, r.statusCode(), r.asString() + "\n" + given().get("/q/metrics").asString().lines()
                .filter(l -> l.startsWith("sigmavrate_") && !l.contains("_bucket")).toList() + deadLetters());
        r.then().body("icao24", equalTo(icao24)).body("model_id", equalTo("sgpt-small-v2-int8"));
        assertFalse(r.jsonPath().getList("steps").isEmpty(), "bands for the window's steps");
        given().get("/forecasts/" + icao24 + "?local=true").then().statusCode(200).body("icao24", equalTo(icao24));

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.contains("sigmavrate_records_in_total"), "the project's meters are scraped");
        assertTrue(metrics.contains("sigmavrate_records_out_total{topic=\"density-bands\""), "bands counted");
        assertTrue(metrics.contains("sigmavrate_model_info{"), "the model gauge");
        assertTrue(metrics.contains("kafka_stream_thread_"), "the Kafka Streams binder's thread meters");
        assertTrue(metrics.contains("client_id=\"" + CLIENT_ID + "-StreamThread-1"),
                "KAFKA_STREAMS_CLIENT_ID became Kafka Streams' client.id");
    }

    @Test
    void anAircraftSilentLongerThanTheExpiryIsForgottenAnd404() throws Exception {
        List<Report> real = oneAircraft();
        // two aircraft on the other partition than the test above's (whose task's stream time this test must not
        // move): the same real flight under another ICAO24, ended 35 min ago (the expiry is 30 min), then one report now
        int partition = 1 - partition(real.get(0).icao24());
        List<String> keys = java.util.stream.IntStream.range(0, 64).mapToObj(i -> String.format("a0%04x", i))
                .filter(a -> partition(a) == partition).limit(2).toList();
        String silent = keys.get(0);
        long end = real.get(real.size() - 1).timeMillis();
        long ago = System.currentTimeMillis() - 35 * 60_000L;
        produce(real.stream().map(r -> as(silent, r, r.timeMillis() - end + ago)).toList());
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (given().get("/forecasts/" + silent).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "no bands for " + silent);
            Thread.sleep(500);
        }
        produce(List.of(as(keys.get(1), real.get(real.size() - 1), System.currentTimeMillis())));
        while (given().get("/forecasts/" + silent).statusCode() != 404) {
            assertTrue(System.nanoTime() < deadline, "still served: " + silent);
            Thread.sleep(500);
        }
        assertTrue(given().get("/q/metrics").asString().lines()
                .anyMatch(l -> l.startsWith("sigmavrate_state_expired_total") && !l.endsWith(" 0.0")));
    }

    private static Report as(String icao24, Report r, long time) {
        return new Report(icao24, time, r.latitudeDeg(), r.longitudeDeg(), r.baroAltitudeFt(), r.geoAltitudeFt(),
                r.verticalRateFpm(), r.verticalRateSource(), r.groundSpeedKt(), r.trackDeg(), r.onGround(),
                r.callsign(), r.dataSource(), r.flightIdHint());
    }

    private static int partition(String icao24) {
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(icao24.getBytes(StandardCharsets.UTF_8))) % 2;
    }

    private static void produce(List<Report> reports) throws InterruptedException {
        Replay.produce(reports, KafkaResource.bootstrapServers(), "surveillance-reports", 0,
                AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer(), System.err);
    }

    /** For a failure's message: the first dead letter's headers (reason and detail), if any. */
    private static String deadLetters() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaResource.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of("surveillance-reports-dlq"));
            StringBuilder b = new StringBuilder(" dead letters: ");
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofSeconds(5))) {
                r.headers().forEach(h -> b.append(h.key()).append('=')
                        .append(new String(h.value(), StandardCharsets.UTF_8)).append("; "));
                break;
            }
            return b.toString();
        }
    }

    /** One real aircraft (OpenSky state vectors), thinned to a report every 20-40 s and moved to the last half hour. */
    static List<Report> oneAircraft() throws Exception {
        List<Report> all = Replay.load(List.of(Path.of("data/flights/opensky/states_5a3cd3c3.csv")), System.err);
        String first = all.get(0).icao24();
        List<Report> one = all.stream().filter(r -> r.icao24().equals(first)).toList();
        one = Replay.thin(one, 20, false, 7L);
        one = Replay.alignStarts(one, System.currentTimeMillis() - 30 * 60_000L);
        return Replay.inTimeOrder(one).stream().filter(r -> r.timeMillis() < System.currentTimeMillis()).toList();
    }

    @Test
    void anIcao24ThatIsNotSixHexDigitsGetsA400WithAJsonError() {
        for (String bad : List.of("3c658", "3c65867", "3c658g", "zzzzzz", "3c 658", "\"};x")) {
            given().urlEncodingEnabled(true).get("/forecasts/{icao24}", bad).then().statusCode(400)
                    .contentType("application/json").body("error", containsString("6 hexadecimal digits"))
                    .body("icao24", equalTo(bad));
        }
        given().get("/forecasts/3C658A").then().statusCode(404); // valid, upper case: no bands for it yet
    }

    @Test
    void openApiDescribesTheForecastsEndpointAndSwaggerUiIsServed() {
        given().get("/q/openapi").then().statusCode(200).body(containsString("/forecasts/{icao24}"))
                .body(containsString("The latest density bands of one aircraft"));
        given().get("/q/swagger-ui/").then().statusCode(200).body(containsString("swagger-ui"));
    }
}
