package org.sigmavrate.tracking;

import java.nio.ByteBuffer;

/**
 * The compact numbers of a track's stored form from format 5 on ({@link FlightTrack#toBytes()}): varints (7 bits a
 * byte, least significant first), zig-zag for values that may be negative, and a code for report values. Every long
 * and int round-trips; a value far from what is typical only takes more bytes. Each writer has a size function so
 * that the state is written into one exactly sized buffer. The slots' writers write into the buffer's array at an
 * index: a ByteBuffer's put per byte made the state's write about 15% slower; the ByteBuffer forms
 * are for the few numbers outside the slots.
 */
final class Varints {
    /**
     * Report values (feet, ft/min) are whole numbers in ADS-B's units; up to this magnitude they take at most 3 bytes
     * as {@link #putValue}'s whole-number code
     */
    private static final int WHOLE_MAX = (1 << 19) - 1;
    /** {@link #putValue}'s codes with the low bit set: NaN, and a float's 4 bytes follow */
    private static final int NAN = 1;
    private static final int RAW = 3;

    private Varints() {
    }

    static int sizeOfUnsigned(long v) {
        return (70 - Long.numberOfLeadingZeros(v | 1)) / 7;
    }

    /** As an unsigned number (a negative one takes 10 bytes), at {@code at}; returns the index after it. */
    static int putUnsigned(byte[] out, int at, long v) {
        while ((v & ~0x7FL) != 0) {
            out[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[at++] = (byte) v;
        return at;
    }

    /** Into a buffer over its whole array ({@code ByteBuffer.allocate}), at its position. */
    static void putUnsigned(ByteBuffer out, long v) {
        out.position(putUnsigned(out.array(), out.position(), v));
    }

    static long getUnsigned(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalStateException("a varint of more than 10 bytes");
    }

    static long zigzag(long v) {
        return (v << 1) ^ (v >> 63);
    }

    static long unzigzag(long v) {
        return (v >>> 1) ^ -(v & 1);
    }

    static int sizeOfSigned(long v) {
        return sizeOfUnsigned(zigzag(v));
    }

    static int putSigned(byte[] out, int at, long v) {
        return putUnsigned(out, at, zigzag(v));
    }

    static void putSigned(ByteBuffer out, long v) {
        putUnsigned(out, zigzag(v));
    }

    static long getSigned(ByteBuffer in) {
        return unzigzag(getUnsigned(in));
    }

    /** An int, as {@link #getSigned} reads it, that must fit an int. */
    static int getSignedInt(ByteBuffer in) {
        long v = getSigned(in);
        if (v != (int) v) {
            throw new IllegalStateException("an int of " + v);
        }
        return (int) v;
    }

    /** A whole number of at most {@link #WHOLE_MAX} (not -0.0) as itself, else NaN or the float's bits. */
    private static long valueCode(float v) {
        int whole = (int) v;
        if (whole == v && Math.abs(whole) <= WHOLE_MAX && (whole != 0 || Float.floatToRawIntBits(v) == 0)) {
            return zigzag(whole) << 1;
        }
        return Float.isNaN(v) ? NAN : RAW;
    }

    static int sizeOfValue(float v) {
        long code = valueCode(v);
        return sizeOfUnsigned(code) + (code == RAW ? 4 : 0);
    }

    /**
     * A report's value: 1 to 3 bytes for a whole number (ADS-B's feet and ft/min), 1 for NaN, 5 for any other float.
     * Bit-exact as {@link FlightTrack#putFloat} (NaN as its canonical bits).
     */
    static int putValue(byte[] out, int at, float v) {
        long code = valueCode(v);
        at = putUnsigned(out, at, code);
        if (code == RAW) {
            int bits = Float.floatToIntBits(v);
            out[at++] = (byte) (bits >>> 24);
            out[at++] = (byte) (bits >>> 16);
            out[at++] = (byte) (bits >>> 8);
            out[at++] = (byte) bits;
        }
        return at;
    }

    static void putValue(ByteBuffer out, float v) {
        out.position(putValue(out.array(), out.position(), v));
    }

    static float getValue(ByteBuffer in) {
        long code = getUnsigned(in);
        if ((code & 1) == 0) {
            return unzigzag(code >>> 1);
        }
        if (code == NAN) {
            return Float.NaN;
        }
        if (code == RAW) {
            return in.getFloat();
        }
        throw new IllegalStateException("unknown value code " + code);
    }
}
