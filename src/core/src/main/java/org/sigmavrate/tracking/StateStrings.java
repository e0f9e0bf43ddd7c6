package org.sigmavrate.tracking;

import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
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
}
