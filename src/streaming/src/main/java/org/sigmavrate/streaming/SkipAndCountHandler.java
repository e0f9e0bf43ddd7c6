package org.sigmavrate.streaming;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology's last line against a bad record: Kafka Streams' processing, production and deserialization exception
 * handler ({@code processing.exception.handler}, {@code production.exception.handler},
 * {@code deserialization.exception.handler}, set in src/config's microprofile-config.properties for every application
 * that runs the topology). Without them one record that throws fails the stream thread, the replacement thread reads
 * the same record and fails again: the partition stops for good.
 * <p>
 * It skips the record, logs where it was (topic, partition, offset, processor, exception) and counts it in
 * {@code sigmavrate_records_skipped_total{handler=...}} ({@link StreamingMetrics#skipped}). It does not write a dead
 * letter itself: Kafka 4.1 has no dead-letter response for handlers (KIP-1034 comes later), so a handler that
 * dead-letters would need its own producer, outside the exactly-once transaction (a dead letter for a record whose
 * transaction is then aborted and retried would be written twice, or for a record that is then processed after all),
 * with its own connection and security settings, blocking the stream thread. And what reaches these handlers is not
 * bad input: every input record is decoded and checked by {@link ReportDecoder}, which dead-letters bad ones inside
 * the transaction; here come only the failures of this service's own code and state (a re-partitioned record that no
 * longer decodes, a processor that throws, a write the broker refuses), which the log and the counter make visible.
 */
public final class SkipAndCountHandler
        implements ProcessingExceptionHandler, ProductionExceptionHandler, DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(SkipAndCountHandler.class);

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public ProcessingHandlerResponse handle(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        skipped("processing", context, exception);
        return ProcessingHandlerResponse.CONTINUE;
    }

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        skipped("production", context, exception, record.topic());
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    @SuppressWarnings("rawtypes")
    public ProductionExceptionHandlerResponse handleSerializationException(ErrorHandlerContext context,
            ProducerRecord record, Exception exception, SerializationExceptionOrigin origin) {
        skipped("serialization", context, exception, record.topic());
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    @Override
    public DeserializationHandlerResponse handle(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
            Exception exception) {
        skipped("deserialization", context, exception);
        return DeserializationHandlerResponse.CONTINUE;
    }

    private static void skipped(String handler, ErrorHandlerContext context, Exception exception) {
        skipped(handler, context, exception, null);
    }

    private static void skipped(String handler, ErrorHandlerContext context, Exception exception, String sinkTopic) {
        StreamingMetrics.skipped(handler);
        LOG.warn("{} failed, record skipped: source {}-{} offset {}, processor {}, task {}{}: {}", handler,
                context.topic(), context.partition(), context.offset(), context.processorNodeId(), context.taskId(),
                sinkTopic == null ? "" : ", to " + sinkTopic, exception.toString());
    }
}
