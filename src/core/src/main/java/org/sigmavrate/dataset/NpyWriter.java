package org.sigmavrate.dataset;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

/** Writes NumPy {@code .npy} (format 1.0, little-endian, C order) so the trainer needs nothing beyond numpy. */
public final class NpyWriter {
    private NpyWriter() {
    }

    public static void writeInt32(Path file, int[] data, int... shape) throws IOException {
        ByteBuffer buffer = buffer(data.length * 4);
        buffer.asIntBuffer().put(data);
        write(file, "<i4", shape, data.length, buffer);
    }

    public static void writeFloat32(Path file, float[] data, int... shape) throws IOException {
        ByteBuffer buffer = buffer(data.length * 4);
        buffer.asFloatBuffer().put(data);
        write(file, "<f4", shape, data.length, buffer);
    }

    public static void writeUint8(Path file, byte[] data, int... shape) throws IOException {
        write(file, "|u1", shape, data.length, ByteBuffer.wrap(data));
    }

    private static ByteBuffer buffer(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void write(Path file, String descr, int[] shape, int count, ByteBuffer payload) throws IOException {
        long expected = Arrays.stream(shape).asLongStream().reduce(1, (a, b) -> a * b);
        if (expected != count) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + count + " values");
        }
        String dims = Arrays.stream(shape).mapToObj(Integer::toString).collect(Collectors.joining(", "));
        if (shape.length == 1) {
            dims += ",";
        }
        StringBuilder header = new StringBuilder("{'descr': '" + descr + "', 'fortran_order': False, 'shape': (" + dims + "), }");
        int preamble = 10;
        while ((preamble + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file))) {
            out.write(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
            out.write(headerBytes.length & 0xff);
            out.write((headerBytes.length >> 8) & 0xff);
            out.write(headerBytes);
            out.write(payload.array(), 0, payload.array().length);
        }
    }
}
