package org.sigmavrate.streaming;

import java.nio.charset.StandardCharsets;

import org.apache.avro.message.MissingSchemaException;
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
 */
public final class ReportDecoder implements Processor<byte[], byte[], String, DecodedReport> {
    public static final String REASON_HEADER = "dlq.reason";
    public static final String DETAIL_HEADER = "dlq.detail";

    private final Deserializer<SurveillanceReport> deserializer;
    private final ReportValidator validator;
    private final StreamingMetrics metrics;
    private ProcessorContext<String, DecodedReport> context;

    public ReportDecoder(Deserializer<SurveillanceReport> deserializer, ReportValidator validator, StreamingMetrics metrics) {
        this.deserializer = deserializer;
        this.validator = validator;
        this.metrics = metrics;
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
        ReportValidator.Checked checked = validator.check(report, context.currentSystemTimeMs());
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
        Headers headers = record.headers();
        headers.remove(REASON_HEADER);
        headers.remove(DETAIL_HEADER);
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        String d = detail == null ? "" : detail.length() > 500 ? detail.substring(0, 500) : detail;
        headers.add(DETAIL_HEADER, d.getBytes(StandardCharsets.UTF_8));
        context.recordMetadata().ifPresent(m -> {
            headers.add("dlq.topic", m.topic().getBytes(StandardCharsets.UTF_8));
            headers.add("dlq.partition", Integer.toString(m.partition()).getBytes(StandardCharsets.UTF_8));
            headers.add("dlq.offset", Long.toString(m.offset()).getBytes(StandardCharsets.UTF_8));
        });
        context.forward(record.withKey(key).withValue(DecodedReport.deadLetter(record.value())));
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
