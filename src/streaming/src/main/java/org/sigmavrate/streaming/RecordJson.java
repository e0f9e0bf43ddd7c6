package org.sigmavrate.streaming;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.avro.v1.SurveillanceReport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Kafka record of the service's topics as one JSON object ({@code bin/forecaster tail}, tests): topic, partition, offset, timestamp, key, headers
 * (UTF-8 text, base64 when not text) and the value decoded by what its bytes are:
 * <ul>
 * <li>Avro single-object ({@code C3 01}, fingerprint): any version of the project's schemas, as plain JSON (unions
 * unwrapped, timestamps in epoch milliseconds, as Python's json of the decoded record); {@code "schema"} names it;</li>
 * <li>JSON (the outputs with {@code forecaster.output.format=json}, the forecast failures): as is;</li>
 * <li>the Confluent wire format of registry mode ({@code 00}, 4-byte schema id): not decoded (this reads no
 * registry), {@code "registry_schema_id"} and the bytes in base64;</li>
 * <li>anything else: UTF-8 text, or base64.</li>
 * </ul>
 */
public final class RecordJson {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<Long, Schema> byFingerprint = new HashMap<>();

    public RecordJson() {
        List<Schema> known = new ArrayList<>();
        for (Class<?> type : List.of(DensityBands.class, InfilledTrajectory.class, SurveillanceReport.class)) {
            known.add(current(type));
            known.addAll(AvroFormat.earlierVersions(type));
        }
        for (Schema s : known) {
            byFingerprint.put(SchemaNormalization.parsingFingerprint64(s), s);
        }
    }

    private static Schema current(Class<?> type) {
        try {
            return (Schema) type.getMethod("getClassSchema").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    public ObjectNode record(ConsumerRecord<byte[], byte[]> r) {
        ObjectNode out = NODES.objectNode();
        out.put("topic", r.topic());
        out.put("partition", r.partition());
        out.put("offset", r.offset());
        out.put("timestamp", r.timestamp());
        out.set("key", r.key() == null ? NODES.nullNode() : text(r.key()));
        ObjectNode headers = out.putObject("headers");
        for (Header h : r.headers()) {
            headers.set(h.key(), h.value() == null ? NODES.nullNode() : text(h.value()));
        }
        value(r.value(), out);
        return out;
    }

    /** Sets {@code encoding}, {@code value} and, where known, {@code schema} of {@code out}. */
    public void value(byte[] v, ObjectNode out) {
        if (v == null) {
            out.put("encoding", "tombstone");
            out.set("value", NODES.nullNode());
            return;
        }
        if (v.length >= 10 && (v[0] & 0xff) == 0xC3 && v[1] == 0x01) {
            long fingerprint = ByteBuffer.wrap(v, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            Schema schema = byFingerprint.get(fingerprint);
            out.put("encoding", "avro-single-object");
            if (schema != null) {
                try {
                    GenericRecord record = new GenericDatumReader<GenericRecord>(schema)
                            .read(null, DecoderFactory.get().binaryDecoder(v, 10, v.length - 10, null));
                    out.put("schema", schema.getFullName());
                    out.set("value", plain(record));
                    return;
                } catch (IOException | RuntimeException e) {
                    out.put("error", "undecodable " + schema.getFullName() + ": " + e.getMessage());
                }
            } else {
                out.put("error", String.format("unknown schema fingerprint %016x", fingerprint));
            }
            out.put("value", Base64.getEncoder().encodeToString(v));
            return;
        }
        if (v.length >= 5 && v[0] == 0) {
            out.put("encoding", "registry");
            out.put("registry_schema_id", ByteBuffer.wrap(v, 1, 4).getInt());
            out.put("error", "Confluent wire format: tail reads no schema registry; the bytes are in base64");
            out.put("value", Base64.getEncoder().encodeToString(v));
            return;
        }
        if (v.length > 0 && v[0] == '{') {
            try {
                out.set("value", mapper.readTree(v));
                out.put("encoding", "json");
                return;
            } catch (IOException e) {
                // not JSON after all: text below
            }
        }
        JsonNode text = text(v);
        out.put("encoding", text.isTextual() ? "text" : "base64");
        out.set("value", text.isTextual() ? text : text.get("base64"));
    }

    /** UTF-8 text, or {"base64": ...} when the bytes are not UTF-8. */
    private static JsonNode text(byte[] bytes) {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes));
            return NODES.textNode(chars.toString());
        } catch (CharacterCodingException e) {
            ObjectNode b = NODES.objectNode();
            b.put("base64", Base64.getEncoder().encodeToString(bytes));
            return b;
        }
    }

    /** A decoded Avro datum as plain JSON: records as objects, unions as their value, timestamps as numbers. */
    static JsonNode plain(Object datum) {
        if (datum == null) {
            return NODES.nullNode();
        }
        if (datum instanceof GenericRecord record) {
            ObjectNode o = NODES.objectNode();
            for (Schema.Field f : record.getSchema().getFields()) {
                o.set(f.name(), plain(record.get(f.pos())));
            }
            return o;
        }
        if (datum instanceof List<?> list) {
            ArrayNode a = NODES.arrayNode();
            list.forEach(item -> a.add(plain(item)));
            return a;
        }
        if (datum instanceof Map<?, ?> map) {
            ObjectNode o = NODES.objectNode();
            map.forEach((k, item) -> o.set(k.toString(), plain(item)));
            return o;
        }
        if (datum instanceof CharSequence || datum instanceof GenericEnumSymbol<?>) {
            return NODES.textNode(datum.toString());
        }
        if (datum instanceof Double d) {
            return NODES.numberNode(d);
        }
        if (datum instanceof Float f) {
            return NODES.numberNode(f);
        }
        if (datum instanceof Long l) {
            return NODES.numberNode(l);
        }
        if (datum instanceof Integer i) {
            return NODES.numberNode(i);
        }
        if (datum instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (datum instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return NODES.textNode(Base64.getEncoder().encodeToString(bytes));
        }
        if (datum instanceof GenericFixed fixed) {
            return NODES.textNode(Base64.getEncoder().encodeToString(fixed.bytes()));
        }
        return NODES.textNode(datum.toString());
    }
}
