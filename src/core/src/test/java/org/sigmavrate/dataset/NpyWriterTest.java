package org.sigmavrate.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpyWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesTheNumpyHeaderAndLittleEndianData() throws Exception {
        Path file = dir.resolve("a.npy");
        NpyWriter.writeInt32(file, new int[] {1, -1, 258, 4, 5, 6}, 1, 3, 2);
        byte[] bytes = Files.readAllBytes(file);
        assertEquals((byte) 0x93, bytes[0]);
        assertEquals("NUMPY", new String(bytes, 1, 5, StandardCharsets.US_ASCII));
        int headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + headerLength) % 64, "data must start 64-byte aligned");
        String header = new String(bytes, 10, headerLength, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<i4', 'fortran_order': False, 'shape': (1, 3, 2), }"), header);
        assertTrue(header.endsWith("\n"));
        ByteBuffer data = ByteBuffer.wrap(bytes, 10 + headerLength, 24).order(ByteOrder.LITTLE_ENDIAN);
        int[] back = new int[6];
        data.asIntBuffer().get(back);
        assertArrayEquals(new int[] {1, -1, 258, 4, 5, 6}, back);
    }

    @Test
    void oneDimensionalShapesGetTheTupleComma() throws Exception {
        Path file = dir.resolve("b.npy");
        NpyWriter.writeUint8(file, new byte[] {1, 2, 3}, 3);
        String header = new String(Files.readAllBytes(file), 10, 54, StandardCharsets.US_ASCII);
        assertTrue(header.contains("'shape': (3,)"), header);
    }

    @Test
    void refusesAShapeThatDoesNotMatchTheData() {
        assertThrows(IllegalArgumentException.class, () -> NpyWriter.writeFloat32(dir.resolve("c.npy"), new float[5], 2, 3));
    }
}
