package org.sigmavrate.streaming;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Avro single-object encoding ({@code C3 01}, the schema's fingerprint, the binary datum): the bytes of the generated
 * class's {@code getEncoder()}, written faster. That encoder writes each value straight into a new stream (a
 * synchronized call per value, and the array grown from 256 bytes for every record: a bands record is about 7 kB);
 * this one buffers the values (Avro's buffered binary encoder) into a stream kept per thread, and copies the
 * record's bytes out once.
 */
final class SingleObjectSerializer<T extends SpecificRecord> implements Serializer<T> {
    private final byte[] header;
    private final DatumWriter<T> writer;
    /** a buffer grown beyond this by a rare huge record is not kept */
    private static final int KEPT_BUFFER_BYTES = 1 << 20;
    private final ThreadLocal<ByteArrayOutputStream> buffers = ThreadLocal.withInitial(() -> new ByteArrayOutputStream(8192));
    private final ThreadLocal<BinaryEncoder> encoders = new ThreadLocal<>();

    /**
     * @param fingerprint the schema's 8-byte CRC-64-AVRO fingerprint, little-endian
     * @param model       the generated class's model, with its logical-type conversions (Instant)
     */
    SingleObjectSerializer(Schema schema, byte[] fingerprint, SpecificData model) {
        this.header = new byte[2 + fingerprint.length];
        header[0] = (byte) 0xC3;
        header[1] = 0x01;
        System.arraycopy(fingerprint, 0, header, 2, fingerprint.length);
        this.writer = new SpecificDatumWriter<>(schema, model);
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        ByteArrayOutputStream out = buffers.get();
        out.reset();
        out.write(header, 0, header.length);
        try {
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, encoders.get());
            encoders.set(encoder);
            writer.write(value, encoder);
            encoder.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] bytes = out.toByteArray();
        if (bytes.length > KEPT_BUFFER_BYTES) {
            buffers.remove();
        }
        return bytes;
    }
}
