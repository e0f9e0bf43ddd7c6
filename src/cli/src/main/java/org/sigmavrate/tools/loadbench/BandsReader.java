package org.sigmavrate.tools.loadbench;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.sigmavrate.avro.v1.DensityBands;

/**
 * Reads the density bands (read_committed) on its own thread and keeps, for each record, the wall time it was read,
 * its end-to-end latency (that time minus the record's timestamp, the event time of the report that triggered it,
 * which the generator stamped with the same clock) and the trigger the record names, where its schema has one; and,
 * per aircraft, the latest report time of its latest published forecast and the largest gap between consecutive
 * ones since {@link #markAges}: the age of what downstream holds. Only the few fields it needs are decoded (a
 * projection of the bands schema: the arrays are skipped), so that reading 2,000 records/s costs little CPU.
 */
final class BandsReader {
    static final String CLIENT = "lb-bands-reader";
    /** The field of the bands record that says why it was published (issue 13's re-forecast policy). */
    static final String TRIGGER_FIELD = "trigger";
    /** The single-object encoding's header: {@code C3 01} and the 8-byte schema fingerprint. */
    private static final int HEADER_BYTES = 10;

    /** One record read: when, its end-to-end latency, its trigger (null where the schema has none). */
    record Read(long receivedAt, long latencyMillis, String trigger) {
    }

    /**
     * Per aircraft of a step: ages (ms) of every aircraft forecast at least once, how many never were, and of the
     * aircraft whose age exceeded {@code over}, how many had it ended by a record of each trigger ("open": still
     * open at the step's end).
     */
    record Ages(long[] sortedMillis, int neverForecast, long over, Map<String, Integer> overEndedBy) {
        long quantile(double q) {
            return sortedMillis.length == 0 ? -1
                    : sortedMillis[Math.min(sortedMillis.length - 1, (int) Math.floor(q * sortedMillis.length))];
        }

        long max() {
            return sortedMillis.length == 0 ? -1 : sortedMillis[sortedMillis.length - 1];
        }
    }

    /** Synchronized: steps read it while this thread appends. */
    private final List<Read> reads = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;
    private final GenericDatumReader<GenericRecord> projection;
    private final boolean hasTrigger;
    /** Per aircraft index: latest report time of its latest forecast (0: none yet), largest gap since the mark. */
    private final long[] lastPublished;
    private final long[] maxGap;
    /** The trigger of the record that ended each aircraft's largest gap. */
    private final String[] maxGapEndedBy;

    BandsReader(String bootstrap, String topic, int aircraft) {
        this.thread = new Thread(() -> read(bootstrap, topic), "lb-bands");
        Schema writer = DensityBands.getClassSchema();
        this.hasTrigger = writer.getField(TRIGGER_FIELD) != null;
        List<Schema.Field> fields = new ArrayList<>();
        for (String name : hasTrigger ? List.of("icao24", "last_report_time", TRIGGER_FIELD)
                : List.of("icao24", "last_report_time")) {
            Schema.Field f = writer.getField(name);
            fields.add(new Schema.Field(f.name(), f.schema(), f.doc(), f.defaultVal()));
        }
        Schema reader = Schema.createRecord(writer.getName(), null, writer.getNamespace(), false, fields);
        this.projection = new GenericDatumReader<>(writer, reader);
        this.lastPublished = new long[aircraft];
        this.maxGap = new long[aircraft];
        this.maxGapEndedBy = new String[aircraft];
    }

    void start() {
        thread.start();
    }

    void stop() {
        running.set(false);
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    /** Whether the records say what triggered them. */
    boolean hasTrigger() {
        return hasTrigger;
    }

    List<Read> reads() {
        return reads;
    }

    /** From now on, the largest gap per aircraft starts again (the gap across this moment counts in full). */
    synchronized void markAges() {
        Arrays.fill(maxGap, 0);
    }

    /**
     * The age of the forecasts of the aircraft among 0..n-1 that {@code include} names, since the mark: per aircraft the largest gap between consecutive
     * published forecasts' latest report times, or between the latest one and {@code endMillis}, whichever is larger.
     */
    synchronized Ages ages(long endMillis, int n, long overMillis, boolean[] include) {
        long[] out = new long[n];
        int k = 0;
        int never = 0;
        Map<String, Integer> endedBy = new TreeMap<>();
        for (int a = 0; a < Math.min(n, lastPublished.length); a++) {
            if (!include[a]) {
                continue;
            }
            if (lastPublished[a] == 0) {
                never++;
            } else {
                long open = endMillis - lastPublished[a];
                long age = Math.max(maxGap[a], open);
                out[k++] = age;
                if (age > overMillis) {
                    endedBy.merge(open >= maxGap[a] ? "open" : String.valueOf(maxGapEndedBy[a]), 1, Integer::sum);
                }
            }
        }
        long[] sorted = Arrays.copyOf(out, k);
        Arrays.sort(sorted);
        return new Ages(sorted, never, overMillis, endedBy);
    }

    private synchronized void published(String icao24, long lastReport, String trigger) {
        int a;
        try {
            a = Integer.parseInt(icao24, 16) - 0xf00000;
        } catch (NumberFormatException e) {
            return;
        }
        if (a < 0 || a >= lastPublished.length) {
            return;
        }
        if (lastPublished[a] != 0 && lastReport - lastPublished[a] > maxGap[a]) {
            maxGap[a] = lastReport - lastPublished[a];
            maxGapEndedBy[a] = trigger;
        }
        lastPublished[a] = Math.max(lastPublished[a], lastReport);
    }

    private void read(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, CLIENT);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        BinaryDecoder decoder = null;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    long now = System.currentTimeMillis();
                    byte[] v = r.value();
                    decoder = DecoderFactory.get().binaryDecoder(v, HEADER_BYTES, v.length - HEADER_BYTES, decoder);
                    GenericRecord g = projection.read(null, decoder);
                    Object t = hasTrigger ? g.get(TRIGGER_FIELD) : null;
                    String trigger = t == null ? null : t.toString().intern();
                    reads.add(new Read(now, now - r.timestamp(), trigger));
                    published(g.get("icao24").toString(), millis(g.get("last_report_time")), trigger);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("a bands record that its schema does not read", e);
        }
    }

    private static long millis(Object time) {
        return time instanceof Instant i ? i.toEpochMilli() : ((Number) time).longValue();
    }
}
