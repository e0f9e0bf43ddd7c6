package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * With JSON outputs the two output topics carry Avro's JSON encoding of the same records that single-object encoding
 * would carry, readable by any JSON parser, while the input stays Avro and the latest-bands store (what
 * {@code /forecasts} reads) keeps its typed Avro serde.
 */
class JsonOutputsTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final StreamingSettings SETTINGS = Fixtures.settings(SPEC);

    private static List<KeyValue<String, byte[]>>[] run(AvroFormat format) throws Exception {
        Properties props = Fixtures.driverProperties("sigma-vrate-json-test");
        try (TopologyTestDriver driver = new TopologyTestDriver(ForecastTopology.build(SETTINGS, SPEC,
                new AltitudeDifferenceForecaster(), format, StreamingMetrics.noop()), props,
                Instant.ofEpochMilli(Fixtures.T0 + 3_600_000))) {
            TestInputTopic<byte[], byte[]> input = driver.createInputTopic(SETTINGS.topics().input(),
                    new ByteArraySerializer(), new ByteArraySerializer());
            for (int s = 0; s <= 25; s += 5) {
                SurveillanceReport r = Fixtures.climbing("3c6586", Fixtures.T0 + s * 1000L);
                r.setCallsign("DLH4AB");
                input.pipeInput("3c6586".getBytes(StandardCharsets.UTF_8), Fixtures.bytes(r));
            }
            driver.advanceWallClockTime(Duration.ofMillis(SETTINGS.batchEveryMillis()));
            @SuppressWarnings("unchecked")
            List<KeyValue<String, byte[]>>[] out = new List[] {
                driver.createOutputTopic(SETTINGS.topics().bands(), new StringDeserializer(), new ByteArrayDeserializer())
                        .readKeyValuesToList(),
                driver.createOutputTopic(SETTINGS.topics().trajectories(), new StringDeserializer(),
                        new ByteArrayDeserializer()).readKeyValuesToList()};
            KeyValueStore<String, DensityBands> latest = driver.getKeyValueStore(ForecastTopology.LATEST_STORE);
            assertEquals(decodeBands(out[0].get(out[0].size() - 1).value, format), latest.get("3c6586"),
                    "the store holds the last bands on the topic, whatever the topic's encoding");
            return out;
        }
    }

    private static DensityBands decodeBands(byte[] value, AvroFormat format) {
        return format.outputSerde(DensityBands.class).deserializer().deserialize("t", value);
    }

    @Test
    void theOutputTopicsCarryAvroJsonOfTheSameRecordsAndTheStoreStillServesThem() throws Exception {
        AvroFormat avro = AvroFormat.singleObject();
        AvroFormat json = AvroFormat.singleObject().withJsonOutputs();
        List<KeyValue<String, byte[]>>[] binary = run(avro);
        List<KeyValue<String, byte[]>>[] text = run(json);
        assertEquals(3, binary[0].size(), "triggers at 5, 15 and 25 s");
        assertEquals(binary[0].size(), text[0].size());
        assertEquals(binary[1].size(), text[1].size());
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < binary[0].size(); i++) {
            assertEquals(0xC3, binary[0].get(i).value[0] & 0xff, "single-object header");
            assertEquals(decodeBands(binary[0].get(i).value, avro), decodeBands(text[0].get(i).value, json));
            InfilledTrajectory a = avro.outputSerde(InfilledTrajectory.class).deserializer()
                    .deserialize("t", binary[1].get(i).value);
            InfilledTrajectory b = json.outputSerde(InfilledTrajectory.class).deserializer()
                    .deserialize("t", text[1].get(i).value);
            assertEquals(a, b);
            // a consumer without Avro: one JSON object, nullable fields as Avro's unions, times in epoch ms
            JsonNode node = mapper.readTree(text[0].get(i).value);
            DensityBands expected = decodeBands(binary[0].get(i).value, avro);
            assertEquals("3c6586", node.get("icao24").asText());
            assertEquals("DLH4AB", node.get("callsign").get("string").asText());
            assertEquals(48.35, node.get("last_latitude_deg").get("double").asDouble(), 0.0);
            assertEquals(expected.getLastReportTime().toEpochMilli(), node.get("last_report_time").asLong());
            assertEquals(expected.getSteps().size(), node.get("steps").size());
            assertEquals(expected.getSteps().get(3).getVerticalRate().getQuantiles().get(2),
                    node.get("steps").get(3).get("vertical_rate").get("quantiles").get(2).asDouble(), 0.0);
            String line = new String(text[0].get(i).value, StandardCharsets.UTF_8);
            assertTrue(!line.contains("\n"), "one line per record");
        }
    }
}
