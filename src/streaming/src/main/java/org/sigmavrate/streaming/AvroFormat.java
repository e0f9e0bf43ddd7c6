package org.sigmavrate.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/**
 * How Avro records travel on topics. Two wire formats:
 * <ul>
 * <li>{@link #singleObject()} (default, no registry): Avro single-object encoding, {@code C3 01}, the schema's
 * 8-byte CRC-64-AVRO fingerprint, then the binary datum. A reader with another schema fails loudly.</li>
 * <li>{@link #registry(Map)}: Apicurio Registry's serdes; with the default 4-byte id handler and content ids the
 * bytes are Confluent's wire format ({@code 00}, 4-byte schema id, datum), readable by Confluent clients.</li>
 * </ul>
 * Either can write the output topics as JSON instead ({@link #withJsonOutputs()}), for consumers without Avro.
 */
public interface AvroFormat {
    <T extends SpecificRecord> Serde<T> serde(Class<T> type);

    String describe();

    /** The serde of the output topics (trajectories, bands): {@link #serde} unless {@link #withJsonOutputs()}. */
    default <T extends SpecificRecord> Serde<T> outputSerde(Class<T> type) {
        return serde(type);
    }

    /**
     * This format, but the output topics carry Avro's JSON encoding of the same schemas ({@link #jsonSerde}): one
     * UTF-8 JSON object per record that any JSON parser reads. Input, state stores and their changelogs keep this
     * format (the latest-bands store, read by {@code /forecasts}, is declared with {@link #serde}).
     */
    default AvroFormat withJsonOutputs() {
        AvroFormat inner = this;
        return new AvroFormat() {
            @Override
            public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
                return inner.serde(type);
            }

            @Override
            public <T extends SpecificRecord> Serde<T> outputSerde(Class<T> type) {
                return jsonSerde(type);
            }

            @Override
            public String describe() {
                return inner.describe() + "; output topics as Avro JSON encoding";
            }
        };
    }

    static AvroFormat singleObject() {
        AvroLimits.apply();
        return new AvroFormat() {
            @Override
            public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
                return singleObjectSerde(type);
            }

            @Override
            public String describe() {
                return "avro single-object encoding (no registry)";
            }
        };
    }

    /** @param config Apicurio serde settings, e.g. {@code apicurio.registry.url} */
    static AvroFormat registry(Map<String, ?> config) {
        AvroLimits.apply();
        return new AvroFormat() {
            @Override
            public <T extends SpecificRecord> Serde<T> serde(Class<T> type) {
                Map<String, Object> c = new HashMap<>(config);
                c.putIfAbsent("apicurio.registry.auto-register", "true");
                c.putIfAbsent("apicurio.registry.use-id", "contentId");
                c.putIfAbsent("apicurio.registry.id-handler", "io.apicurio.registry.serde.Default4ByteIdHandler");
                c.putIfAbsent("apicurio.registry.use-specific-avro-reader", "true");
                c.put("apicurio.registry.deserializer.value.return-class", type.getName());
                @SuppressWarnings({"unchecked", "rawtypes"})
                Serializer<T> ser = (Serializer) new io.apicurio.registry.serde.avro.AvroKafkaSerializer<>();
                @SuppressWarnings({"unchecked", "rawtypes"})
                Deserializer<T> de = (Deserializer) new io.apicurio.registry.serde.avro.AvroKafkaDeserializer<>();
                ser.configure(c, false);
                de.configure(c, false);
                return Serdes.serdeFrom(ser, de);
            }

            @Override
            public String describe() {
                return "avro via schema registry " + config.get("apicurio.registry.url") + " (Confluent wire format)";
            }
        };
    }

    /**
     * Earlier versions of an output schema ({@code schemas/<Name>.v1.avsc}, {@code .v2.avsc} next to this class),
     * oldest first: records they wrote stay readable, e.g. the latest-bands changelog of a service upgraded in place,
     * or a topic read from its start.
     */
    static List<Schema> earlierVersions(Class<?> type) {
        List<Schema> out = new ArrayList<>();
        for (String version : List.of("v1", "v2")) {
            try (InputStream in = AvroFormat.class.getResourceAsStream("schemas/" + type.getSimpleName() + "."
                    + version + ".avsc")) {
                if (in != null) {
                    out.add(new Schema.Parser().parse(in));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    /**
     * Avro's JSON encoding of a record of this class's schema, on one line (nullable fields as unions: {@code null}
     * or {@code {"string": "DLH4AB"}}; timestamps as epoch milliseconds).
     */
    static <T extends SpecificRecord> Serde<T> jsonSerde(Class<T> type) {
        SpecificData model = new SpecificData(type.getClassLoader());
        SpecificData.getForClass(type).getConversions().forEach(model::addLogicalTypeConversion);
        Schema schema = model.getSchema(type);
        DatumWriter<T> writer = new SpecificDatumWriter<>(schema, model);
        DatumReader<T> reader = new SpecificDatumReader<>(schema, schema, model);
        Serializer<T> ser = (topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
            try {
                JsonEncoder json = EncoderFactory.get().jsonEncoder(schema, out);
                writer.write(value, json);
                json.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        };
        Deserializer<T> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                return reader.read(null, DecoderFactory.get().jsonDecoder(schema,
                        new String(data, StandardCharsets.UTF_8)));
            } catch (IOException | RuntimeException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + " from JSON: "
                        + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> Serde<T> singleObjectSerde(Class<T> type) {
        BinaryMessageDecoder<T> decoder;
        Schema schema;
        try {
            // decoded into the class of the caller's loader: a Quarkus test holds the application's classes twice
            // (the JVM's loader and Quarkus's), and Avro, which finds the class by name, could pick the other one
            SpecificData model = new SpecificData(type.getClassLoader());
            SpecificData.getForClass(type).getConversions().forEach(model::addLogicalTypeConversion);
            schema = (Schema) type.getMethod("getClassSchema").invoke(null);
            decoder = new BinaryMessageDecoder<>(model, schema);
            for (Schema earlier : earlierVersions(type)) {
                decoder.addSchema(earlier);
            }
        } catch (NoSuchMethodException | IllegalAccessException | InvocationTargetException e) {
            throw new IllegalArgumentException(type + " is not a generated Avro class", e);
        }
        byte[] fingerprint = AvroLimits.fingerprint(schema);
        Serializer<T> ser = new SingleObjectSerializer<>(schema, fingerprint, SpecificData.getForClass(type));
        Deserializer<T> de = (topic, data) -> {
            if (data == null) {
                return null;
            }
            try {
                // lengths checked against the record's size before Avro allocates them
                AvroLimits.checkSingleObject(schema, fingerprint, data);
                return decoder.decode(ByteBuffer.wrap(data));
            } catch (java.io.EOFException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName()
                        + ": a declared length runs past the record's " + data.length + " bytes", e);
            } catch (IOException e) {
                throw new SerializationException("cannot decode " + type.getSimpleName() + ": " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(ser, de);
    }
}
