package org.sigmavrate.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.batching.PendingWindow;
import org.sigmavrate.domain.forecast.LastSeen;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.GriddedFlight;

/** Strings of any length in encoded state, and a corrupt length that cannot make the reader allocate. */
class StateStringsTest {
    private static byte[] written(String... strings) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            for (String s : strings) {
                StateStrings.write(out, s);
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void stringsOverWriteUtfsLimitNullAndUnicodeRoundTrip() throws IOException {
        String huge = "\u00e9".repeat(40_000); // 80,000 UTF-8 bytes: writeUTF throws above 65,535
        assertThrows(java.io.UTFDataFormatException.class,
                () -> new DataOutputStream(new ByteArrayOutputStream()).writeUTF(huge));
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(written(huge, null, "", "opensky")));
        assertEquals(huge, StateStrings.read(in));
        assertNull(StateStrings.read(in));
        assertEquals("", StateStrings.read(in));
        assertEquals("opensky", StateStrings.read(in));
    }

    @Test
    void aLengthBeyondTheBytesLeftFailsBeforeAllocating() {
        byte[] corrupt = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 'a', 'b'}; // declares ~2 GB
        assertThrows(EOFException.class,
                () -> StateStrings.read(new DataInputStream(new ByteArrayInputStream(corrupt))));
    }

    @Test
    void aBufferHoldsTheSameBytesAsTheStreamAndChecksTheLengthToo() throws IOException {
        String huge = "\u00e9".repeat(40_000);
        byte[][] utf8 = {StateStrings.utf8(huge), StateStrings.utf8(null), StateStrings.utf8(""), StateStrings.utf8("opensky")};
        int size = 0;
        for (byte[] u : utf8) {
            size += StateStrings.size(u);
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(size);
        for (byte[] u : utf8) {
            StateStrings.put(out, u);
        }
        assertEquals(0, out.remaining());
        org.junit.jupiter.api.Assertions.assertArrayEquals(written(huge, null, "", "opensky"), out.array());
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(out.array());
        assertEquals(huge, StateStrings.get(in));
        assertNull(StateStrings.get(in));
        assertEquals("", StateStrings.get(in));
        assertEquals("opensky", StateStrings.get(in));
        byte[] corrupt = {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xf0, 'a', 'b'};
        assertThrows(IllegalStateException.class, () -> StateStrings.get(java.nio.ByteBuffer.wrap(corrupt)));
    }

    @Test
    void aPendingWindowWithADataSourceOverSixtyFourKilobytesSurvivesItsBytes() {
        String huge = "d".repeat(70_000);
        GriddedFlight g = new GriddedFlight("3c6586-20230601T120000Z", huge, 1_685_620_800_000L, 10_000,
                new double[] {1500, 1400}, new double[] {3000, 3250}, new byte[] {0, 0});
        PendingWindow w = new PendingWindow(new ObservedWindow("3c6586", g, 1_685_620_810_000L, 42), 1.5, 7);
        PendingWindow back = PendingWindow.decode(PendingWindow.encode(List.of(w))).get(0);
        assertEquals(huge, back.window().window().dataSource());
        assertEquals(true, w.sameWindowAs(back));
    }

    @Test
    void aPendingWindowKeepsTheAircraftsCallsignAndPositionAndTheSecondFormatIsStillRead() {
        GriddedFlight g = new GriddedFlight("3c6586-20230601T120000Z", "opensky", 1_685_620_800_000L, 10_000,
                new double[] {1500, 1400}, new double[] {3000, 3250}, new byte[] {0, 0});
        LastSeen seen = new LastSeen("DLH4AB", 48.35, 11.78);
        PendingWindow w = new PendingWindow(new ObservedWindow("3c6586", g, 1_685_620_810_000L, 42, seen), 1.5, 7);
        byte[] current = PendingWindow.encode(List.of(w));
        assertEquals(seen, PendingWindow.decode(current).get(0).window().lastSeen());
        // format 2 is format 3 without each window's trailing callsign (4-byte length and 6 bytes) and two doubles;
        // format 4 adds the trigger's label (a null one here: its 4-byte length)
        byte[] second = java.util.Arrays.copyOf(current, current.length - (4 + 6 + 16) - 4);
        second[0] = 2;
        PendingWindow old = PendingWindow.decode(second).get(0);
        assertEquals(LastSeen.UNKNOWN, old.window().lastSeen());
        assertEquals(true, w.sameWindowAs(old));
        assertEquals("opensky", old.window().window().dataSource());
    }

    /**
     * The fourth format's bytes are those of its DataOutputStream writer before the windows were written into one
     * buffer (digest taken from that writer): what a changelog holds stays readable both ways.
     */
    @Test
    void pendingWindowsKeepTheFourthFormatsBytes() throws Exception {
        GriddedFlight g = new GriddedFlight("3c6586-20230601T120000Z", "opensky", 1_685_620_800_000L, 10_000,
                new double[] {1500, Double.NaN, -64.5}, new double[] {3000, 3250, Double.NaN}, new byte[] {0, 2, 1});
        GriddedFlight h = new GriddedFlight("4ca123-20230601T110000Z", null, 1_685_617_200_000L, 10_000,
                new double[] {0}, new double[] {35000}, new byte[] {0});
        List<PendingWindow> windows = List.of(
                new PendingWindow(new ObservedWindow("3c6586", g, 1_685_620_810_000L, 42,
                        new LastSeen("DLH4AB", 48.35, 11.78)), 1.5, 7, org.sigmavrate.tracking.Trigger.LEFT_BAND),
                new PendingWindow(new ObservedWindow("4ca123", h, 1_685_617_200_000L, -3, LastSeen.UNKNOWN),
                        Double.POSITIVE_INFINITY, 9, null));
        byte[] bytes = PendingWindow.encode(windows);
        assertEquals("57c6c8b4370976e8758d14b279c0256329239bbda4a965eb429df11f74eb1022", java.util.HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
        List<PendingWindow> back = PendingWindow.decode(bytes);
        assertEquals(2, back.size());
        for (int i = 0; i < 2; i++) {
            assertEquals(true, windows.get(i).sameWindowAs(back.get(i)));
            assertEquals(windows.get(i).trigger(), back.get(i).trigger());
            assertEquals(windows.get(i).window().lastSeen(), back.get(i).window().lastSeen());
            assertEquals(windows.get(i).change(), back.get(i).change());
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(bytes, PendingWindow.encode(back));
        assertThrows(RuntimeException.class, () -> PendingWindow.decode(java.util.Arrays.copyOf(bytes, 100)));
    }

    @Test
    void aPendingWindowKeepsItsTriggerAndTheThirdFormatIsStillRead() {
        GriddedFlight g = new GriddedFlight("3c6586-20230601T120000Z", "opensky", 1_685_620_800_000L, 10_000,
                new double[] {1500, 1400}, new double[] {3000, 3250}, new byte[] {0, 0});
        LastSeen seen = new LastSeen("DLH4AB", 48.35, 11.78);
        PendingWindow w = new PendingWindow(new ObservedWindow("3c6586", g, 1_685_620_810_000L, 42, seen), 1.5, 7,
                org.sigmavrate.tracking.Trigger.PHASE_CHANGE);
        byte[] current = PendingWindow.encode(List.of(w));
        assertEquals(org.sigmavrate.tracking.Trigger.PHASE_CHANGE, PendingWindow.decode(current).get(0).trigger());
        // format 3 is format 4 without the trigger's label ("phase-change": 4-byte length and 12 bytes)
        byte[] third = java.util.Arrays.copyOf(current, current.length - (4 + 12));
        third[0] = 3;
        PendingWindow old = PendingWindow.decode(third).get(0);
        assertNull(old.trigger());
        assertEquals(seen, old.window().lastSeen());
        assertEquals(true, w.sameWindowAs(old));
    }
}
