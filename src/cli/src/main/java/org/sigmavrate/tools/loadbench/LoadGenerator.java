package org.sigmavrate.tools.loadbench;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.streaming.AvroFormat;

/**
 * N virtual aircraft reporting once a second, on its own thread, in ten 100-ms slices; each report carries the
 * event time of the moment it is sent. When N grows, the new aircraft join over {@value #RAMP_MS} ms (not all at
 * once: their first windows would all fall due in the same second).
 */
final class LoadGenerator {
    static final long RAMP_MS = 8_000;
    /**
     * The first N join over a minute, the re-forecast policy's max age: in real traffic aircraft appear at any time,
     * so their max-age re-forecasts fall due at any time; a fleet that all appeared within 8 s would have them all
     * fall due together, every minute, a burst of N windows that no real fleet makes.
     */
    static final long INITIAL_RAMP_MS = 60_000;

    private final MultiplexedFlights flights;
    private final Serializer<SurveillanceReport> serializer = AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer();
    private final AtomicLong n;
    private final AtomicLong previousN = new AtomicLong(0);
    private final AtomicLong rampStart = new AtomicLong(System.currentTimeMillis());
    private final AtomicLong rampMillis = new AtomicLong(INITIAL_RAMP_MS);
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong maxBehind = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;
    /** Wall time of second 0 (tick 0); 0 until the thread starts. */
    private volatile long startMillis;

    LoadGenerator(String bootstrap, String topic, MultiplexedFlights flights, int aircraft) {
        this.flights = flights;
        this.n = new AtomicLong(aircraft);
        this.thread = new Thread(() -> generate(bootstrap, topic), "lb-generator");
    }

    void start() {
        thread.start();
    }

    /** From now on, {@code aircraft} aircraft: the ones added join over the ramp, starting at {@code startMillis}. */
    void rampTo(int aircraft, long startMillis) {
        previousN.set(n.get());
        rampMillis.set(RAMP_MS);
        rampStart.set(startMillis);
        n.set(aircraft);
    }

    /** The aircraft's second (as {@link MultiplexedFlights#report} counts them) at a wall time. */
    long secondAt(long wallMillis) {
        return (wallMillis - startMillis) / 1000;
    }

    /** Sends acknowledged so far. */
    long sent() {
        return sent.get();
    }

    /**
     * The most a 100-ms slice started behind its schedule since the last call, milliseconds: a generator that cannot
     * keep up shows here (its sends would spread over more than a second).
     */
    long takeMaxBehind() {
        return maxBehind.getAndSet(0);
    }

    /** The first send or producer failure, or null. */
    Exception failure() {
        return failure.get();
    }

    void stop() {
        running.set(false);
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    private void generate(String bootstrap, String topic) {
        try (KafkaProducer<String, byte[]> producer = BenchKafka.producer(bootstrap)) {
            long start = System.currentTimeMillis();
            startMillis = start;
            for (long tick = 0; running.get(); tick++) {
                long wait = start + tick * 100 - System.currentTimeMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                } else {
                    maxBehind.accumulateAndGet(-wait, Math::max);
                }
                int count = (int) n.get();
                int from = (int) previousN.get();
                double ramp = Math.min(1.0, (System.currentTimeMillis() - rampStart.get()) / (double) rampMillis.get());
                int active = count <= from ? count : from + (int) ((count - from) * ramp);
                int slice = (int) (tick % 10);
                long second = tick / 10;
                for (int a = slice * count / 10; a < (slice + 1) * count / 10; a++) {
                    if (a >= active) {
                        continue;
                    }
                    long now = System.currentTimeMillis();
                    SurveillanceReport r = flights.report(a, second, now);
                    producer.send(new ProducerRecord<>(topic, null, now, r.getIcao24(), serializer.serialize(topic, r)),
                            (md, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    sent.incrementAndGet();
                                }
                            });
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }
}
