package org.sigmavrate.tracking;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Strings in the encoded state (flights, pending windows, re-partitioned reports): a 4-byte length, -1 for null,
 * then the UTF-8 bytes. {@code DataOutputStream.writeUTF} throws on more than 65,535 bytes, and a throw while writing
 * state stops the stream thread on the same record again and again; this has no such limit. Reading checks the
 * length against the bytes that are left before it allocates, so corrupt state cannot ask for gigabytes.
 */
public final class StateStrings {
    private StateStrings() {
    }

    public static void write(DataOutput out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(bytes.length);
        out.write(bytes);
    }

    /** @param in a stream whose {@code available()} is the bytes left (over a byte array, as state is read) */
    public static String read(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > in.available()) {
            throw new EOFException("a string of " + n + " bytes with " + in.available() + " bytes left");
        }
        byte[] bytes = new byte[n];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** The UTF-8 bytes of a string to {@link #put}, or null for null. */
    public static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    /** Bytes {@link #put} writes for a string's {@link #utf8} bytes. */
    public static int size(byte[] utf8) {
        return 4 + (utf8 == null ? 0 : utf8.length);
    }

    /** As {@link #write}, from the string's {@link #utf8} bytes, into a buffer. */
    public static void put(ByteBuffer out, byte[] utf8) {
        if (utf8 == null) {
            out.putInt(-1);
            return;
        }
        out.putInt(utf8.length);
        out.put(utf8);
    }

    /** As {@link #read}, from a buffer: the length is checked against the bytes left before it allocates. */
    public static String get(ByteBuffer in) {
        int n = in.getInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > in.remaining()) {
            throw new IllegalStateException("a string of " + n + " bytes with " + in.remaining() + " bytes left");
        }
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    /** A string of {@code DataOutput.writeUTF} (the oldest state formats), from a buffer over an array. */
    public static String getModifiedUtf8(ByteBuffer in) {
        int start = in.position();
        int n = Short.toUnsignedInt(in.getShort(start));
        try {
            String s = new DataInputStream(new ByteArrayInputStream(in.array(), in.arrayOffset() + start,
                    in.remaining())).readUTF();
            in.position(start + 2 + n);
            return s;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
