package org.sigmavrate.tools.loadbench;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.streaming.AvroFormat;

/**
 * The ceiling the service's streaming layer is compared with: a minimal Kafka Streams app that decodes each report
 * and keeps the last 64 reports of its aircraft (event time, altitude, rate: 20 bytes each) in a ring buffer in a
 * RocksDB store with its changelog on. Nothing else: no validation, no windows, no outputs.
 */
public final class RingBufferTopology {
    public static final String STORE = "ring";
    static final int SLOTS = 64;
    static final int SLOT_BYTES = 20;

    private RingBufferTopology() {
    }

    public static Topology build(String inputTopic, AtomicLong processed) {
        Deserializer<SurveillanceReport> decoder = AvroFormat.singleObjectSerde(SurveillanceReport.class).deserializer();
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                Serdes.ByteArray()));
        builder.stream(inputTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(() -> new Ring(decoder, processed), STORE);
        return builder.build();
    }

    private static final class Ring implements Processor<String, byte[], Void, Void> {
        private final Deserializer<SurveillanceReport> decoder;
        private final AtomicLong processed;
        private KeyValueStore<String, byte[]> store;

        Ring(Deserializer<SurveillanceReport> decoder, AtomicLong processed) {
            this.decoder = decoder;
            this.processed = processed;
        }

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            SurveillanceReport r = decoder.deserialize(null, record.value());
            byte[] ring = store.get(record.key());
            if (ring == null) {
                ring = new byte[4 + SLOTS * SLOT_BYTES];
            }
            ByteBuffer b = ByteBuffer.wrap(ring);
            int next = b.getInt(0);
            int at = 4 + (next % SLOTS) * SLOT_BYTES;
            b.putLong(at, r.getEventTime().toEpochMilli());
            b.putFloat(at + 8, r.getBaroAltitudeFt() == null ? Float.NaN : r.getBaroAltitudeFt().floatValue());
            b.putFloat(at + 12, r.getVerticalRateFpm() == null ? Float.NaN : r.getVerticalRateFpm().floatValue());
            b.putFloat(at + 16, r.getGroundSpeedKt() == null ? Float.NaN : r.getGroundSpeedKt().floatValue());
            b.putInt(0, next + 1);
            store.put(record.key(), ring);
            processed.incrementAndGet();
        }
    }
}
