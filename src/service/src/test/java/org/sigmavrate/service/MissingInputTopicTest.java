package org.sigmavrate.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.Replay;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * The service started before its input topic exists (a real broker with every other topic): Kafka Streams is not
 * started, so no stream thread fails on the missing topic, and readiness is DOWN naming it; once the topic is created,
 * Kafka Streams starts, readiness turns UP and real reports come out as density bands.
 */
@QuarkusTest
@QuarkusTestResource(value = KafkaResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = KafkaResource.INPUT_TOPIC, value = "absent"))
class MissingInputTopicTest {
    private static final String SOURCE_TOPICS = "checks.find { it.name == 'Kafka Streams source topics' }";

    @Inject
    KafkaStreams streams;

    @Inject
    StreamThreadFailures failures;

    @Test
    void kafkaStreamsWaitsForTheInputTopicThenForecasts() throws Exception {
        Response waiting = given().get("/q/health/ready");
        waiting.then().statusCode(503).body(SOURCE_TOPICS + ".status", equalTo("DOWN"))
                .body(SOURCE_TOPICS + ".data.missing_topics", equalTo("surveillance-reports"));
        // a client started without its source topic would have joined the group and failed its threads by now (the
        // test broker assigns at once: no initial rebalance delay)
        Thread.sleep(3_000);
        assertEquals(KafkaStreams.State.CREATED, streams.state(), "not started while the topic is missing");
        assertEquals(0, failures.total(), "no stream thread failed");
        given().get("/q/health/live").then()
                .body("checks.find { it.name == 'Kafka Streams state health check' }.data.state", equalTo("CREATED"));

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                KafkaResource.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("surveillance-reports", 2, (short) 1))).all()
                    .get(60, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (given().get("/q/health/ready").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "not ready in 90 s: " + given().get("/q/health/ready").asString());
            Thread.sleep(250);
        }
        given().get("/q/health/ready").then().body(SOURCE_TOPICS + ".status", equalTo("UP"))
                .body(SOURCE_TOPICS + ".data.available_topics", equalTo("surveillance-reports"));

        List<Report> flight = ServiceTest.oneAircraft();
        String icao24 = flight.get(0).icao24();
        Replay.produce(flight, KafkaResource.bootstrapServers(), "surveillance-reports", 0,
                AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer(), System.err);
        deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (given().get("/forecasts/" + icao24).statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "no bands for " + icao24);
            Thread.sleep(500);
        }
        given().get("/forecasts/" + icao24).then().body("icao24", equalTo(icao24));
        assertEquals(0, failures.total(), "no stream thread failed");
    }
}
