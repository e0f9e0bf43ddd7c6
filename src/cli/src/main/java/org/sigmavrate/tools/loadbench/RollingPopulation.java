package org.sigmavrate.tools.loadbench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.streaming.AvroFormat;

/**
 * The soak's traffic: {@code total} distinct aircraft passing through, {@code airborne} of them at a time. Aircraft
 * {@code i} (ICAO24 {@code f00000 + i}, a {@link MultiplexedFlights} template) takes off at event time
 * {@code origin + i * flight / airborne}, reports every {@code reportSeconds} of event time for {@code flightSeconds},
 * then is never heard of again. Reports go out in event-time order at {@code rate} per wall second, so event time
 * runs {@code rate * reportSeconds / airborne} times faster than the wall clock, like a replay of old traffic (the
 * origin lies far enough back that no report is ahead of the wall clock): the aircraft's silences are judged on event
 * time, and the soak passes 100,000 aircraft in minutes instead of hours.
 */
final class RollingPopulation {
    private final MultiplexedFlights flights;
    private final int total;
    private final int airborne;
    private final int flightSeconds;
    private final int reportSeconds;
    private final int rate;
    private final long origin;
    private final Serializer<SurveillanceReport> serializer = AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong eventTime = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;

    RollingPopulation(String bootstrap, String topic, MultiplexedFlights flights, int total, int airborne,
            int flightSeconds, int reportSeconds, int rate) {
        this.flights = flights;
        this.total = total;
        this.airborne = airborne;
        this.flightSeconds = flightSeconds;
        this.reportSeconds = reportSeconds;
        this.rate = rate;
        this.origin = System.currentTimeMillis() - spanMillis() - 3_600_000L;
        this.eventTime.set(origin);
        this.thread = new Thread(() -> generate(bootstrap, topic), "lb-soak-generator");
    }

    /** Event time from the first take-off to the last landing. */
    long spanMillis() {
        return takeOff(total - 1) + flightSeconds * 1000L;
    }

    /** Times faster than the wall clock that event time runs. */
    double speed() {
        return rate * (double) reportSeconds / airborne;
    }

    long origin() {
        return origin;
    }

    private long takeOff(int aircraft) {
        return aircraft * (flightSeconds * 1000L) / airborne;
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

    /** Aircraft that have sent their first report. */
    long started() {
        return started.get();
    }

    /** Sends acknowledged so far. */
    long sent() {
        return sent.get();
    }

    /** The event time of the latest report sent. */
    long eventTime() {
        return eventTime.get();
    }

    boolean finished() {
        return finished.get();
    }

    Exception failure() {
        return failure.get();
    }

    private void generate(String bootstrap, String topic) {
        long slotMillis = reportSeconds * 1000L;
        int perTick = Math.max(1, rate / 10);
        try (KafkaProducer<String, byte[]> producer = BenchKafka.producer(bootstrap)) {
            long wallStart = System.currentTimeMillis();
            long tick = 0;
            int inTick = 0;
            int first = 0; // the first aircraft not yet landed
            for (long slot = 0; running.get() && first < total; slot += slotMillis) {
                // each aircraft airborne in [slot, slot + slotMillis) reports once in it, sent in event-time order
                List<long[]> due = new ArrayList<>();
                for (int a = first; a < total && takeOff(a) < slot + slotMillis; a++) {
                    long off = takeOff(a);
                    long k = Math.max(0, Math.floorDiv(slot - off + slotMillis - 1, slotMillis));
                    long t = off + k * slotMillis;
                    if (t - off > flightSeconds * 1000L) {
                        if (a == first) {
                            first++;
                        }
                        continue;
                    }
                    if (t < slot + slotMillis) {
                        due.add(new long[] {t, a, k});
                    }
                }
                due.sort((x, y) -> Long.compare(x[0], y[0]));
                for (long[] d : due) {
                    if (!running.get()) {
                        break;
                    }
                    if (inTick == perTick) {
                        inTick = 0;
                        tick++;
                        long wait = wallStart + tick * 100 - System.currentTimeMillis();
                        if (wait > 0) {
                            Thread.sleep(wait);
                        }
                    }
                    inTick++;
                    int aircraft = (int) d[1];
                    if (d[2] == 0) {
                        started.incrementAndGet();
                    }
                    long time = origin + d[0];
                    SurveillanceReport r = flights.report(aircraft, d[2] * reportSeconds, time);
                    producer.send(new ProducerRecord<>(topic, null, time, r.getIcao24(), serializer.serialize(topic, r)),
                            (md, e) -> {
                                if (e != null) {
                                    failure.compareAndSet(null, e);
                                } else {
                                    sent.incrementAndGet();
                                }
                            });
                    eventTime.set(time);
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failure.compareAndSet(null, e);
        }
        finished.set(true);
    }
}
