package org.sigmavrate.streaming;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.avro.v1.VerticalRateSource;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.ingest.ReadResult;
import org.sigmavrate.ingest.UnreadableFileException;

/** Reads recorded flights and produces them as Avro reports in event-time order, at a chosen speed. */
public final class Replay {
    private Replay() {
    }

    /** Every report of every supported file under the inputs; unreadable files are named on the log and skipped. */
    public static List<Report> load(List<Path> inputs, PrintStream log) throws UnreadableFileException {
        List<Report> out = new ArrayList<>();
        for (Path file : FlightReaders.expand(inputs, log)) {
            try {
                ReadResult r = FlightReaders.read(file);
                out.addAll(r.reports());
            } catch (UnreadableFileException e) {
                log.println("replay: skipping " + file + ": " + e.getMessage());
            }
        }
        return out;
    }

    /**
     * Keeps about one report per aircraft every {@code seconds} to {@code 2 x seconds} (drawn from the seed), and,
     * when {@code gaps}, leaves out about one stretch of 3 minutes in 20: the sparse, gappy input the model infills.
     */
    public static List<Report> thin(List<Report> reports, double seconds, boolean gaps, long seed) {
        if (seconds <= 0) {
            return reports;
        }
        Random random = new Random(seed);
        List<Report> out = new ArrayList<>();
        for (List<Report> aircraft : byAircraft(reports).values()) {
            long next = Long.MIN_VALUE;
            for (Report r : aircraft) {
                if (r.timeMillis() >= next) {
                    out.add(r);
                    long interval = (long) (seconds * 1000 * (1 + random.nextDouble()));
                    if (gaps && random.nextInt(20) == 0) {
                        interval += 180_000;
                    }
                    next = r.timeMillis() + interval;
                }
            }
        }
        return out;
    }

    /** Shifts each aircraft's reports so that its first report is at {@code origin} plus 7 s per aircraft. */
    public static List<Report> alignStarts(List<Report> reports, long origin) {
        List<Report> out = new ArrayList<>(reports.size());
        int i = 0;
        for (List<Report> aircraft : byAircraft(reports).values()) {
            long shift = origin + 7_000L * i++ - aircraft.get(0).timeMillis();
            for (Report r : aircraft) {
                out.add(shifted(r, r.timeMillis() + shift));
            }
        }
        return out;
    }

    public static List<Report> inTimeOrder(List<Report> reports) {
        List<Report> sorted = new ArrayList<>(reports);
        sorted.sort(Comparator.comparingLong(Report::timeMillis).thenComparing(Report::icao24));
        return sorted;
    }

    private static Map<String, List<Report>> byAircraft(List<Report> reports) {
        Map<String, List<Report>> by = new LinkedHashMap<>();
        for (Report r : inTimeOrder(reports)) {
            by.computeIfAbsent(r.icao24(), k -> new ArrayList<>()).add(r);
        }
        return by;
    }

    static Report shifted(Report r, long time) {
        return new Report(r.icao24(), time, r.latitudeDeg(), r.longitudeDeg(), r.baroAltitudeFt(), r.geoAltitudeFt(),
                r.verticalRateFpm(), r.verticalRateSource(), r.groundSpeedKt(), r.trackDeg(), r.onGround(),
                r.callsign(), r.dataSource(), r.flightIdHint());
    }

    public static SurveillanceReport toAvro(Report r) {
        return new SurveillanceReport(r.icao24(), Instant.ofEpochMilli(r.timeMillis()), boxed(r.latitudeDeg()),
                boxed(r.longitudeDeg()), boxed(r.baroAltitudeFt()), boxed(r.geoAltitudeFt()), boxed(r.verticalRateFpm()),
                r.verticalRateSource() == null ? null : VerticalRateSource.valueOf(r.verticalRateSource().name()),
                boxed(r.groundSpeedKt()), boxed(r.trackDeg()), r.onGround(), r.callsign(), r.dataSource());
    }

    private static Double boxed(double v) {
        return Double.isNaN(v) ? null : v;
    }

    public static Properties producerConfig(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "sigma-vrate-replay");
        return p;
    }

    /**
     * Produces the reports (already in time order) keyed by ICAO24, pacing event time at {@code speed} times real
     * time ({@code <= 0}: as fast as possible), with a progress line every few seconds.
     *
     * @return reports sent
     */
    public static long produce(List<Report> reports, String bootstrap, String topic, double speed,
            Serializer<SurveillanceReport> serializer, PrintStream progress) throws InterruptedException {
        if (reports.isEmpty()) {
            return 0;
        }
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong acked = new AtomicLong();
        long startWall = System.currentTimeMillis();
        long startEvent = reports.get(0).timeMillis();
        long nextProgress = startWall + 2000;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            int sent = 0;
            for (Report r : reports) {
                if (speed > 0) {
                    long due = startWall + (long) ((r.timeMillis() - startEvent) / speed);
                    long wait = due - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                producer.send(new ProducerRecord<>(topic, null, r.timeMillis(), r.icao24(),
                        serializer.serialize(topic, toAvro(r))), (md, e) -> {
                            if (e != null) {
                                failure.compareAndSet(null, e);
                            } else {
                                acked.incrementAndGet();
                            }
                        });
                sent++;
                if (failure.get() != null) {
                    throw new IllegalStateException("replay: sending failed: " + failure.get().getMessage(), failure.get());
                }
                long now = System.currentTimeMillis();
                if (now >= nextProgress || sent == reports.size()) {
                    nextProgress = now + 5000;
                    double rate = sent * 1000.0 / Math.max(1, now - startWall);
                    progress.printf("replay: %,d/%,d reports (%.1f%%) to %s, event time %s, %.0f reports/s%n", sent,
                            reports.size(), 100.0 * sent / reports.size(), topic, Instant.ofEpochMilli(r.timeMillis()),
                            rate);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("replay: sending failed: " + failure.get().getMessage(), failure.get());
        }
        return acked.get();
    }
}
