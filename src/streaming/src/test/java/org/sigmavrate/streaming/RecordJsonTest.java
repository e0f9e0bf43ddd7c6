package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.DensityBands;

import com.fasterxml.jackson.databind.JsonNode;

/** What {@code bin/forecaster tail} prints for each kind of record on the service's topics. */
class RecordJsonTest {
    private final RecordJson json = new RecordJson();

    private JsonNode line(byte[] key, byte[] value, RecordHeaders headers) {
        return json.record(new ConsumerRecord<>("t", 1, 42, 1_685_620_800_000L, TimestampType.CREATE_TIME, -1, -1,
                key, value, headers, Optional.empty()));
    }

    @Test
    void aDeadLetterShowsItsHeadersAndItsOriginalReport() {
        RecordHeaders headers = new RecordHeaders();
        headers.add(ReportDecoder.REASON_HEADER, "out-of-range".getBytes(StandardCharsets.UTF_8));
        headers.add("binary", new byte[] {(byte) 0xff, 0});
        byte[] report = Fixtures.bytes(Fixtures.report("3c6586", Fixtures.T0, 3000.0, 99_999.0));
        JsonNode l = line("3c6586".getBytes(StandardCharsets.UTF_8), report, headers);
        assertEquals("t", l.get("topic").asText());
        assertEquals(1, l.get("partition").asInt());
        assertEquals(42, l.get("offset").asLong());
        assertEquals(1_685_620_800_000L, l.get("timestamp").asLong());
        assertEquals("3c6586", l.get("key").asText());
        assertEquals("out-of-range", l.get("headers").get(ReportDecoder.REASON_HEADER).asText());
        assertEquals(Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0}),
                l.get("headers").get("binary").get("base64").asText());
        assertEquals("org.sigmavrate.avro.v1.SurveillanceReport", l.get("schema").asText());
        assertEquals(99_999.0, l.get("value").get("vertical_rate_fpm").asDouble(), 0.0);
        assertEquals(Fixtures.T0, l.get("value").get("event_time").asLong());
    }

    @Test
    void bandsOfEitherSchemaVersionAreDecodedAndOtherBytesSaidForWhatTheyAre() throws Exception {
        DensityBands bands = new DensityBands("3c6586", "f", "m", "s", Instant.ofEpochMilli(Fixtures.T0), 10_000,
                Instant.ofEpochMilli(Fixtures.T0), List.of(0.5), List.of(), "DLH4AB", 48.35, 11.78, "opensky",
                "max-age");
        JsonNode v2 = line(null, AvroFormat.singleObjectSerde(DensityBands.class).serializer().serialize("t", bands),
                new RecordHeaders()).get("value");
        assertEquals("DLH4AB", v2.get("callsign").asText());
        assertEquals(48.35, v2.get("last_latitude_deg").asDouble(), 0.0);
        assertEquals("max-age", v2.get("trigger").asText());

        Schema v1 = AvroFormat.earlierVersions(DensityBands.class).get(0);
        GenericRecord old = new GenericData.Record(v1);
        for (Schema.Field f : v1.getFields()) {
            old.put(f.name(), f.name().endsWith("_time") || f.name().equals("grid_start") ? Fixtures.T0
                    : f.name().equals("grid_step_ms") ? 10_000 : f.name().equals("quantile_levels") ? List.of(0.5)
                    : f.name().equals("steps") ? List.of() : "x");
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old, bytes);
        JsonNode l1 = line(null, bytes.toByteArray(), new RecordHeaders());
        assertEquals("avro-single-object", l1.get("encoding").asText());
        assertTrue(!l1.get("value").has("callsign"), "printed as written, version 1");
        assertEquals(Fixtures.T0, l1.get("value").get("last_report_time").asLong());

        byte[] unknown = bytes.toByteArray().clone();
        unknown[5] ^= 0x5a;
        assertTrue(line(null, unknown, new RecordHeaders()).get("error").asText().startsWith("unknown schema fingerprint"));
        JsonNode registry = line(null, new byte[] {0, 0, 0, 0, 7, 2, 3}, new RecordHeaders());
        assertEquals("registry", registry.get("encoding").asText());
        assertEquals(7, registry.get("registry_schema_id").asInt());
        JsonNode failure = line(null, "{\"icao24\":\"3c6586\",\"attempts\":3}".getBytes(StandardCharsets.UTF_8),
                new RecordHeaders());
        assertEquals("json", failure.get("encoding").asText());
        assertEquals(3, failure.get("value").get("attempts").asInt());
        assertEquals("tombstone", line(null, null, new RecordHeaders()).get("encoding").asText());
        assertEquals("text", line(null, "plain".getBytes(StandardCharsets.UTF_8), new RecordHeaders())
                .get("encoding").asText());
        assertEquals("base64", line(null, new byte[] {(byte) 0xff}, new RecordHeaders()).get("encoding").asText());
    }
}
