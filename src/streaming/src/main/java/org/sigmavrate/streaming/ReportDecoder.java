package org.sigmavrate.streaming;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.message.MissingSchemaException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.flight.Report;

/**
 * First step of the topology: decodes and checks every input record, the only place where a
 * {@link SurveillanceReport} becomes a domain {@link Report} (by {@link ReportValidator}); everything downstream reads
 * the domain report. A valid report goes on keyed by its ICAO24 (marked misrouted when the producer keyed it otherwise,
 * so that it is re-partitioned); anything else goes to the dead-letter topic as its original bytes with the reason in
 * its headers. Nothing here throws: bad input never stops the stream.
 * <p>
 * A dead letter is timestamped with the wall clock, not with the record's own time: a report 30 days ahead is exactly
 * what goes here, and the broker refuses a timestamp beyond the topic's {@code message.timestamp.after.max.ms}
 * (1 h by default on Kafka 4), which would fail the production and so the stream thread, on the same record for
 * ever. The original time is kept in a header. A dead letter over {@link StreamingSettings.RecordLimits#deadLetterMaxBytes}
 * is cut to fit, with a header giving its original length.
 */
public final class ReportDecoder implements Processor<byte[], byte[], String, DecodedReport> {
    public static final String REASON_HEADER = "dlq.reason";
    public static final String DETAIL_HEADER = "dlq.detail";
    /** the record's timestamp as the stream read it (its event time when readable), epoch ms */
    public static final String ORIGINAL_TIMESTAMP_HEADER = "dlq.original.timestamp";
    /** present when the value was cut to fit: the original value's length in bytes */
    public static final String TRUNCATED_HEADER = "dlq.truncated";
    /** present when the record's own headers were left out to fit: their total size in bytes */
    public static final String HEADERS_DROPPED_HEADER = "dlq.headers.dropped";
    /** room for the record's framing in a batch (offsets, lengths, attributes) beyond key, value and headers */
    static final int RECORD_OVERHEAD = 256;
    /** a dead letter's key is the producer's key, cut to this many chars */
    static final int MAX_KEY_CHARS = 1024;

    private final Deserializer<SurveillanceReport> deserializer;
    private final ReportValidator validator;
    private final StreamingMetrics metrics;
    private final int deadLetterMaxBytes;
    private ProcessorContext<String, DecodedReport> context;

    public ReportDecoder(Deserializer<SurveillanceReport> deserializer, ReportValidator validator, StreamingMetrics metrics) {
        this(deserializer, validator, metrics, Integer.MAX_VALUE);
    }

    /** @param deadLetterMaxBytes a dead letter's most bytes (value, key, headers and framing) */
    public ReportDecoder(Deserializer<SurveillanceReport> deserializer, ReportValidator validator, StreamingMetrics metrics,
            int deadLetterMaxBytes) {
        this.deserializer = deserializer;
        this.validator = validator;
        this.metrics = metrics;
        this.deadLetterMaxBytes = deadLetterMaxBytes;
    }

    @Override
    public void init(ProcessorContext<String, DecodedReport> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        metrics.recordIn();
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null || record.value().length == 0) {
            deadLetter(record, key, "empty", "no value");
            return;
        }
        String topic = context.recordMetadata().map(RecordMetadata::topic).orElse("");
        SurveillanceReport report;
        try {
            report = deserializer.deserialize(topic, record.value());
        } catch (RuntimeException e) {
            boolean wrongSchema = hasCause(e, MissingSchemaException.class);
            deadLetter(record, key, wrongSchema ? "wrong-schema" : "undecodable", String.valueOf(e.getMessage()));
            return;
        }
        ReportValidator.Checked checked;
        try {
            checked = validator.check(report, context.currentSystemTimeMs());
        } catch (RuntimeException e) {
            // a field no check foresaw (the validator is meant to refuse, never to throw): refused all the same
            deadLetter(record, key, "invalid", e.toString());
            return;
        }
        if (!checked.ok()) {
            deadLetter(record, key, checked.reason(), checked.detail());
            return;
        }
        Report valid = checked.report();
        context.forward(record.withKey(valid.icao24()).withValue(DecodedReport.valid(valid, valid.icao24().equals(key)))
                .withTimestamp(valid.timeMillis()));
    }

    private void deadLetter(Record<byte[], byte[]> record, String key, String reason, String detail) {
        metrics.deadLettered(reason);
        if (key != null && key.length() > MAX_KEY_CHARS) {
            // a key is an ICAO24, or the producer's own id: one this long is part of the attack
            key = key.substring(0, MAX_KEY_CHARS);
        }
        Headers headers = record.headers();
        for (String name : new String[] {REASON_HEADER, DETAIL_HEADER, ORIGINAL_TIMESTAMP_HEADER, TRUNCATED_HEADER,
                HEADERS_DROPPED_HEADER, "dlq.topic", "dlq.partition", "dlq.offset"}) {
            headers.remove(name);
        }
        headers.add(REASON_HEADER, utf8(reason));
        String d = detail == null ? "" : detail.length() > 500 ? detail.substring(0, 500) : detail;
        headers.add(DETAIL_HEADER, utf8(d));
        headers.add(ORIGINAL_TIMESTAMP_HEADER, utf8(Long.toString(record.timestamp())));
        context.recordMetadata().ifPresent(m -> {
            headers.add("dlq.topic", utf8(m.topic()));
            headers.add("dlq.partition", utf8(Integer.toString(m.partition())));
            headers.add("dlq.offset", utf8(Long.toString(m.offset())));
        });
        byte[] value = fit(record.value(), key, headers);
        context.forward(record.withKey(key).withValue(DecodedReport.deadLetter(value))
                .withTimestamp(context.currentSystemTimeMs()));
    }

    /**
     * The value, cut so that the dead letter fits in {@link #deadLetterMaxBytes}. When the headers (the record's own
     * and ours) and key take more than half of it, the record's own headers are left out first.
     */
    private byte[] fit(byte[] value, String key, Headers headers) {
        long fixed = (key == null ? 0 : utf8(key).length) + RECORD_OVERHEAD + 64; // 64: the headers this may add
        if (fixed + headersSize(headers) + (value == null ? 0 : value.length) <= deadLetterMaxBytes) {
            return value;
        }
        if (fixed + headersSize(headers) > deadLetterMaxBytes / 2) {
            List<String> own = new ArrayList<>();
            long ownBytes = 0;
            for (Header h : headers) {
                if (!h.key().startsWith("dlq.")) {
                    own.add(h.key());
                    ownBytes += headerSize(h);
                }
            }
            own.forEach(headers::remove);
            headers.add(HEADERS_DROPPED_HEADER, utf8(Long.toString(ownBytes)));
        }
        long room = Math.max(0, deadLetterMaxBytes - fixed - headersSize(headers));
        if (value == null || value.length <= room) {
            return value;
        }
        headers.add(TRUNCATED_HEADER, utf8(Integer.toString(value.length)));
        return Arrays.copyOf(value, (int) room);
    }

    private static long headersSize(Headers headers) {
        long n = 0;
        for (Header h : headers) {
            n += headerSize(h);
        }
        return n;
    }

    private static long headerSize(Header h) {
        return h.key().length() + (h.value() == null ? 0 : h.value().length) + 10;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (type.isInstance(c)) {
                return true;
            }
        }
        return false;
    }
}
