package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sigmavrate.streaming.CommittedRecords.header;
import static org.sigmavrate.streaming.CommittedRecords.latestReport;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;
import org.sigmavrate.batching.BatchLimits;
import org.sigmavrate.batching.InferencePool;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;

/**
 * A forecaster that throws and one that hangs, on the real in-JVM broker under exactly-once (FailedForecastsTest
 * covers the same in a TopologyTestDriver, step by step): the faulty aircraft's windows are retried, then land on the
 * forecast-failures topic with their reason (read_committed) and are counted, no stream thread dies, and the other
 * aircraft's forecasts go on.
 */
class ForecasterFaultsIT {
    private static final Spec SPEC = SpecLoader.bundled();
    /** the model refuses every window of this aircraft */
    private static final String REFUSED = "bad001";
    /** the model hangs (until interrupted) on every call holding a window of this aircraft */
    private static final String HANGS = "ba0002";
    /** how long an expected output may take to appear on a topic */
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final List<String> GOOD = List.of("4ca7b5", "3c6586");

    /** Wraps the altitude-difference baseline: throws or hangs on the faulty aircraft's windows. */
    private static final class FaultyForecaster extends FaultInjectingBaseline {
        @Override
        void beforeCall(List<ObservedWindow> windows) {
            if (windows.stream().anyMatch(w -> w.icao24().equals(REFUSED))) {
                throw new IllegalStateException("the model refuses " + REFUSED);
            }
            if (windows.stream().anyMatch(w -> w.icao24().equals(HANGS))) {
                try {
                    Thread.sleep(Duration.ofMinutes(10).toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted by the watchdog", e);
                }
            }
        }
    }

    @Test
    void windowsTheModelRefusesOrHangsOnAreRetriedThenReportedAndTheOthersGoOn() throws Exception {
        InferencePool pool = new InferencePool(1, "faulty-inference");
        try (TestBroker broker = TestBroker.start()) {
            String bootstrap = broker.bootstrapServers();
            StreamingSettings.Topics topics = new StreamingSettings.Topics("ff-reports", "ff-trajectories",
                    "ff-bands", "ff-dlq", "ff-failures");
            TopicAdmin.ensure(bootstrap, topics, 2, (short) 1);
            // a 1 s watchdog and 2 attempts keep the test short; the service's defaults are 30 s and 3
            StreamingSettings settings = Fixtures.settings(SPEC).withTopics(topics)
                    .withLimits(new BatchLimits(2, 1_000, 1024));
            StreamingMetrics metrics = StreamingMetrics.noop();
            Properties props = TestBroker.streamsProperties(bootstrap, "forecaster-faults");
            List<Throwable> died = Collections.synchronizedList(new ArrayList<>());
            try (KafkaStreams streams = new KafkaStreams(ForecastTopology.build(settings, SPEC,
                    new FaultyForecaster(), AvroFormat.singleObject(), metrics, pool), props)) {
                streams.setUncaughtExceptionHandler(e -> {
                    died.add(e);
                    return StreamThreadExceptionResponse.REPLACE_THREAD;
                });
                streams.start();
                long base = System.currentTimeMillis() - 5 * 60_000;
                Properties p = new Properties();
                p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
                p.put(ProducerConfig.ACKS_CONFIG, "all");
                try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                        new ByteArraySerializer())) {
                    // first the model refuses one aircraft, then it hangs on another (apart: a call that hangs is
                    // not bisected, so windows sharing it time out with it, as FailedForecastsTest shows); the good
                    // aircraft fly throughout
                    send(producer, topics, List.of(REFUSED), base, 0, 20);
                    send(producer, topics, GOOD, base, 0, 30);
                    ConsumerRecord<String, byte[]> refused = only(CommittedRecords.until(bootstrap,
                            topics.forecastFailures(), records -> keys(records).contains(REFUSED), PATIENCE), REFUSED);
                    assertEquals("inference-failed", header(refused, ForecastFailure.REASON_HEADER),
                            "refused windows fail alone (bisection)");
                    assertEquals("2", header(refused, ForecastFailure.ATTEMPTS_HEADER), "retried once");
                    String json = new String(refused.value(), StandardCharsets.UTF_8);
                    assertTrue(json.contains("\"icao24\":\"" + REFUSED + "\""), json);

                    send(producer, topics, List.of(HANGS), base, 35, 45);
                    send(producer, topics, GOOD, base, 35, 60);
                    ConsumerRecord<String, byte[]> hung = only(CommittedRecords.until(bootstrap,
                            topics.forecastFailures(), records -> keys(records).contains(HANGS), PATIENCE), HANGS);
                    assertEquals("inference-timeout", header(hung, ForecastFailure.REASON_HEADER));
                    assertEquals("2", header(hung, ForecastFailure.ATTEMPTS_HEADER), "retried once");

                    send(producer, topics, GOOD, base, 65, 90);
                }
                // the good aircraft are forecast up to their last report, long after the faults
                List<ConsumerRecord<String, byte[]>> bands = CommittedRecords.until(bootstrap, topics.bands(),
                        records -> GOOD.stream().allMatch(a -> latestReport(records, a) >= base + 85_000),
                        PATIENCE);
                assertFalse(keys(bands).contains(REFUSED), "no bands for a refused window");
                assertFalse(keys(bands).contains(HANGS), "none for a window the model hangs on");
                assertTrue(metrics.count("sigmavrate.forecast.failures", "reason", "inference-failed") >= 1);
                assertTrue(metrics.count("sigmavrate.forecast.failures", "reason", "inference-timeout") >= 1);
                assertTrue(metrics.count("sigmavrate.forecast.retries", "reason", "inference-timeout") >= 1);
                assertEquals(List.of(), died, "no stream thread died");
                assertEquals(KafkaStreams.State.RUNNING, streams.state());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Climbing aircraft, a report every 5 s from {@code fromSeconds} to {@code toSeconds} after {@code base}. */
    private static void send(KafkaProducer<byte[], byte[]> producer, StreamingSettings.Topics topics,
            List<String> aircraft, long base, int fromSeconds, int toSeconds) throws Exception {
        for (int s = fromSeconds; s <= toSeconds; s += 5) {
            for (String a : aircraft) {
                long t = base + s * 1000L;
                producer.send(new ProducerRecord<>(topics.input(), a.getBytes(StandardCharsets.UTF_8),
                        Fixtures.bytes(Fixtures.report(a, t, 3000 + 25.0 * s, 1500.0))));
            }
        }
        producer.flush();
    }

    /** The first record of {@code key}. */
    private static ConsumerRecord<String, byte[]> only(List<ConsumerRecord<String, byte[]>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
    }

    private static Set<String> keys(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(ConsumerRecord::key).collect(Collectors.toSet());
    }
}
