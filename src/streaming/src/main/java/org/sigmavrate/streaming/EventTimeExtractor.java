package org.sigmavrate.streaming;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time of a surveillance report read straight from its bytes, without decoding the whole record: the
 * datum starts with {@code icao24} (string) then {@code event_time} (long), after the single-object header
 * ({@code C3 01} + 8-byte fingerprint) or the registry header ({@code 00} + 4-byte id). Bytes it cannot read keep
 * the record's own timestamp; the decoder then sends them to the dead-letter topic. A time further ahead of the wall
 * clock than the reports taken ({@code forecaster.input.max-future-seconds}) is not taken either: one hostile record
 * must not move the partition's stream time days ahead (its report is dead-lettered anyway).
 */
public final class EventTimeExtractor implements TimestampExtractor {
    private final long maxFutureMillis;

    /** Takes any event time. */
    public EventTimeExtractor() {
        this(Long.MAX_VALUE / 2);
    }

    /** @param maxFutureMillis times further ahead of the wall clock fall back to the record's own, or to now */
    public EventTimeExtractor(long maxFutureMillis) {
        this.maxFutureMillis = maxFutureMillis;
    }

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        long latestTaken = System.currentTimeMillis() + maxFutureMillis;
        long fallback = record.timestamp() >= 0 ? record.timestamp() : Math.max(partitionTime, 0);
        if (fallback > latestTaken) {
            fallback = Math.max(partitionTime, 0);
        }
        if (!(record.value() instanceof byte[] bytes)) {
            return fallback;
        }
        long t = eventTime(bytes);
        return t > 0 && t <= latestTaken ? t : fallback;
    }

    /** @return the event time, or -1 when the bytes do not hold one */
    public static long eventTime(byte[] b) {
        int pos;
        if (b.length > 10 && (b[0] & 0xff) == 0xC3 && b[1] == 0x01) {
            pos = 10;
        } else if (b.length > 5 && b[0] == 0) {
            pos = 5;
        } else {
            return -1;
        }
        long[] cursor = {pos};
        long length = readLong(b, cursor);
        if (length < 0 || cursor[0] + length > b.length) {
            return -1;
        }
        cursor[0] += length;
        return readLong(b, cursor);
    }

    /** Avro's zig-zag varint; -1 (as an impossible time) when the bytes end or run too long. */
    private static long readLong(byte[] b, long[] cursor) {
        long raw = 0;
        int shift = 0;
        int i = (int) cursor[0];
        while (true) {
            if (i >= b.length || shift > 63) {
                return -1;
            }
            int v = b[i++] & 0xff;
            raw |= (long) (v & 0x7f) << shift;
            if ((v & 0x80) == 0) {
                break;
            }
            shift += 7;
        }
        cursor[0] = i;
        return (raw >>> 1) ^ -(raw & 1);
    }
}
