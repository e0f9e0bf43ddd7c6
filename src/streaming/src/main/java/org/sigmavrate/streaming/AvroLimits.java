package org.sigmavrate.streaming;

import java.io.EOFException;
import java.io.IOException;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.SystemLimitException;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Keeps Avro from allocating what a record only declares. Avro's binary decoder allocates a string's or a byte
 * array's declared length before reading it: 15 bytes declaring a 2 GB string would ask for 2 GB. Two guards:
 * <ul>
 * <li>{@link #checkSingleObject}: before decoding, the datum is skipped over once (skipping reads lengths but
 * allocates nothing, and fails at the record's end): a length beyond the bytes left fails there.</li>
 * <li>{@link #apply}: Avro's own limits ({@link SystemLimitException}, system properties read once when Avro first
 * checks a length) for the registry's serdes, which decode inside Apicurio's code: strings and bytes of at most
 * {@link #MAX_LENGTH} bytes, collections of at most {@link #MAX_ITEMS} items, unless set already (a {@code -D} wins).</li>
 * </ul>
 */
final class AvroLimits {
    /** above any topic's max.message.bytes in practice; a record cannot hold a longer string */
    static final int MAX_LENGTH = 16 * 1024 * 1024;
    static final int MAX_ITEMS = 1_000_000;

    private AvroLimits() {
    }

    static void apply() {
        setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_LENGTH);
        setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_LENGTH);
        setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_ITEMS);
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    /** The 8-byte CRC-64-AVRO fingerprint of a schema as single-object encoding writes it (little-endian). */
    static byte[] fingerprint(Schema schema) {
        long f = SchemaNormalization.parsingFingerprint64(schema);
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (f >>> (8 * i));
        }
        return out;
    }

    /**
     * Checks that a single-object record of this schema (header {@code C3 01} and this fingerprint) holds every byte
     * its lengths declare. Other headers and fingerprints are left for the decoder to refuse with its own reason.
     *
     * @throws EOFException when a declared length runs past the record's end
     */
    static void checkSingleObject(Schema schema, byte[] fingerprint, byte[] data) throws IOException {
        if (data.length < 10 || (data[0] & 0xff) != 0xC3 || data[1] != 0x01) {
            return;
        }
        for (int i = 0; i < 8; i++) {
            if (data[2 + i] != fingerprint[i]) {
                return;
            }
        }
        BinaryDecoder datum = DecoderFactory.get().binaryDecoder(data, 10, data.length - 10, null);
        GenericDatumReader.skip(schema, datum);
    }
}
