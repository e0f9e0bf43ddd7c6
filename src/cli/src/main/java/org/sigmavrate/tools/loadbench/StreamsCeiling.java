package org.sigmavrate.tools.loadbench;

import static org.sigmavrate.tools.loadbench.BenchOutput.out;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.NoInferenceForecaster;
import org.sigmavrate.streaming.StreamingMetrics;
import org.sigmavrate.streaming.StreamingSettings;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Ceiling (a): preloaded reports read from the start by a minimal ring-buffer app ({@link RingBufferTopology}) and by
 * the service's topology with inference off, at-least-once and exactly-once v2, with the service's Kafka Streams
 * settings; reports/s of each app's best round.
 */
final class StreamsCeiling {
    /** The service's inference path as in the service (a thread hop), with nothing to infer. */
    private static final Executor CEILING_INFERENCE = Executors
            .newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lb-ceiling-inference");
                t.setDaemon(true);
                return t;
            });

    private final StreamingSettings settings;
    private final Spec spec;
    private final int aircraft;
    private final int seconds;
    private final int rounds;
    private final Serializer<SurveillanceReport> serializer = AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer();

    StreamsCeiling(StreamingSettings settings, Spec spec, int aircraft, int seconds, int rounds) {
        this.settings = settings;
        this.spec = spec;
        this.aircraft = aircraft;
        this.seconds = seconds;
        this.rounds = rounds;
    }

    void measure(String bootstrap, MultiplexedFlights flights) throws Exception {
        String topic = "lb-ceiling-in";
        BenchKafka.createTopics(bootstrap, 2, topic, "lb-none-traj", "lb-none-bands", "lb-none-dlq",
                "lb-none-forecast-failures");
        long total = (long) aircraft * seconds;
        long base = System.currentTimeMillis() - seconds * 1000L - 60_000;
        long p0 = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = BenchKafka.producer(bootstrap)) {
            for (int s = 0; s < seconds; s++) {
                for (int a = 0; a < aircraft; a++) {
                    SurveillanceReport r = flights.report(a, s, base + s * 1000L + a % 1000);
                    producer.send(new ProducerRecord<>(topic, null, r.getEventTime().toEpochMilli(), r.getIcao24(),
                            serializer.serialize(topic, r)));
                }
            }
            producer.flush();
        }
        out("%nceiling (a): %,d reports (%d aircraft x %d s at 1 Hz) preloaded into %s in %.1f s; each app reads them "
                + "all from the start (same kafka-streams.* settings as the service)", total, aircraft,
                seconds, topic, (System.nanoTime() - p0) / 1e9);
        // the four apps alternate, round after round, and each keeps its best round: on 2 shared cores the noise
        // between runs (JIT warm-up, the broker's own work) is larger than the differences being measured
        Map<String, Double> best = new HashMap<>();
        List<String> guarantees = List.of(StreamsConfig.AT_LEAST_ONCE, StreamsConfig.EXACTLY_ONCE_V2);
        for (int round = 0; round < rounds; round++) {
            for (String g : guarantees) {
                AtomicLong processed = new AtomicLong();
                double ring = drain(RingBufferTopology.build(topic, processed),
                        BenchKafka.streamsProps(bootstrap, "lb-ring-" + g + "-" + round, g), processed::get, total);
                best.merge("ring " + g, ring, Math::max);
                StreamingMetrics metrics = new StreamingMetrics(new SimpleMeterRegistry());
                StreamingSettings s = settings.withTopics(new StreamingSettings.Topics(topic, "lb-none-traj",
                        "lb-none-bands", "lb-none-dlq", "lb-none-forecast-failures"));
                Topology topology = ForecastTopology.build(s, spec, new NoInferenceForecaster(spec.sha256()),
                        AvroFormat.singleObject(), metrics, CEILING_INFERENCE);
                Counter in = metrics.registry().find("sigmavrate.records.in").counter();
                double none = drain(topology, BenchKafka.streamsProps(bootstrap, "lb-none-" + g + "-" + round, g),
                        () -> (long) in.count(), total);
                best.merge("none " + g, none, Math::max);
                out("  round %d, %s: ring buffer %,.0f reports/s, service with inference off %,.0f reports/s", round + 1,
                        BenchKafka.label(g), ring, none);
            }
        }
        out("%-44s %10s %12s %8s", "app (best round)", "guarantee", "reports/s", "of ring");
        for (String g : guarantees) {
            out("%-44s %10s %,12.0f %8s", "ring buffer (64 reports/aircraft, RocksDB)", BenchKafka.label(g),
                    best.get("ring " + g), "");
        }
        for (String g : guarantees) {
            out("%-44s %10s %,12.0f %7.0f%%", "service, inference off (forecaster none)", BenchKafka.label(g),
                    best.get("none " + g), 100 * best.get("none " + g) / best.get("ring " + g));
        }
    }

    /** Reports/s from the first record processed to the last (start-up and rebalance excluded). */
    private static double drain(Topology topology, Properties props, LongSupplier processed, long total)
            throws InterruptedException {
        KafkaStreams streams = new KafkaStreams(topology, props);
        streams.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
            long first = 0;
            while (processed.getAsLong() < total && System.nanoTime() < deadline) {
                if (first == 0 && processed.getAsLong() > 0) {
                    first = System.nanoTime();
                }
                Thread.sleep(2);
            }
            long n = processed.getAsLong();
            return n / Math.max(1e-9, (System.nanoTime() - first) / 1e9);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }
}
