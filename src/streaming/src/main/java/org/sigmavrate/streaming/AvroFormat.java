package org.sigmavrate.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
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
 */
public interface AvroFormat {
    <T extends SpecificRecord> Serde<T> serde(Class<T> type);

    String describe();

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
     * Earlier versions of an output schema ({@code schemas/<Name>.v1.avsc} next to this class): records they wrote
     * stay readable, e.g. the latest-bands changelog of a service upgraded in place, or a topic read from its start.
     */
    static List<Schema> earlierVersions(Class<?> type) {
        List<Schema> out = new ArrayList<>();
        try (InputStream in = AvroFormat.class.getResourceAsStream("schemas/" + type.getSimpleName() + ".v1.avsc")) {
            if (in != null) {
                out.add(new Schema.Parser().parse(in));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static <T extends SpecificRecord> Serde<T> singleObjectSerde(Class<T> type) {
        BinaryMessageEncoder<T> encoder;
        BinaryMessageDecoder<T> decoder;
        Schema schema;
        try {
            // the generated accessors carry the class's own model with its logical-type conversions (Instant)
            encoder = (BinaryMessageEncoder<T>) type.getMethod("getEncoder").invoke(null);
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
        Serializer<T> ser = (topic, value) -> {
            if (value == null) {
                return null;
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(256);
            try {
                encoder.encode(value, out);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out.toByteArray();
        };
        byte[] fingerprint = AvroLimits.fingerprint(schema);
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
