package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sigmavrate.batching.BatchLimits;
import org.sigmavrate.batching.FailedWindow;
import org.sigmavrate.batching.InferencePool;
import org.sigmavrate.batching.PendingWindow;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * No forecast is lost silently: a forecaster that throws on one aircraft's window, one that hangs, and a flight whose
 * windows pile up. Failed windows are retried, then sent to the forecast-failures topic keyed by their aircraft with
 * the reason, and counted; the other aircraft's forecasts go on. The wall clock is the driver's (the punctuator and
 * the watchdog read it); the hanging forecaster runs on a real {@link InferencePool}, and the test waits (with a
 * guard, not a timing) for each call to have entered the forecaster before it moves the clock.
 */
class FailedForecastsTest {
    private static final Spec SPEC = SpecLoader.bundled();
    private static final StreamingSettings SETTINGS = Fixtures.settings(SPEC);
    private static final StreamingSettings.Topics TOPICS = SETTINGS.topics();
    private static final long GUARD_SECONDS = 60;
    private static final String BAD = "badbad";
    private static final String GOOD = "600d01";

    private final List<TopologyTestDriver> drivers = new ArrayList<>();
    private final CountDownLatch releaseHung = new CountDownLatch(1);
    private InferencePool pool;

    @AfterEach
    void close() {
        drivers.forEach(TopologyTestDriver::close);
        releaseHung.countDown();
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    private final class Harness {
        final StreamingMetrics metrics = StreamingMetrics.noop();
        final TopologyTestDriver driver;
        final TestInputTopic<byte[], byte[]> input;
        final TestOutputTopic<String, byte[]> bands;
        final TestOutputTopic<String, String> failures;

        Harness(StreamingSettings settings, WindowForecaster forecaster, Executor executor) throws Exception {
            Properties props = Fixtures.driverProperties("sigma-vrate-test");
            driver = new TopologyTestDriver(ForecastTopology.build(settings, SPEC, forecaster,
                    AvroFormat.singleObject(), metrics, executor), props, Instant.ofEpochMilli(Fixtures.T0 + 3_600_000));
            drivers.add(driver);
            input = driver.createInputTopic(TOPICS.input(), new ByteArraySerializer(), new ByteArraySerializer());
            bands = driver.createOutputTopic(TOPICS.bands(), new StringDeserializer(), new ByteArrayDeserializer());
            failures = driver.createOutputTopic(TOPICS.forecastFailures(), new StringDeserializer(),
                    new StringDeserializer());
        }

        /** Reports of the aircraft at these seconds after T0 (a climb; one window per 10 s from 5 s on). */
        void send(String icao24, int... seconds) {
            for (int s : seconds) {
                input.pipeInput(icao24.getBytes(StandardCharsets.UTF_8),
                        Fixtures.bytes(Fixtures.climbing(icao24, Fixtures.T0 + s * 1000L)));
            }
        }

        void advance(long millis) {
            driver.advanceWallClockTime(Duration.ofMillis(millis));
        }

        List<String> bandKeys() {
            return bands.readKeyValuesToList().stream().map(kv -> kv.key).toList();
        }

        double count(String name, String reason) {
            return metrics.count(name, "reason", reason);
        }
    }

    /** The altitude-difference baseline, except on calls with a window of {@link #BAD}. */
    private abstract static class FailingOnBad extends FaultInjectingBaseline {
        abstract void onBad();

        @Override
        void beforeCall(List<ObservedWindow> windows) {
            if (windows.stream().anyMatch(w -> w.icao24().equals(BAD))) {
                onBad();
            }
        }
    }

    private static JsonNode json(TestRecord<String, String> record) throws Exception {
        return new ObjectMapper().readTree(record.value());
    }

    private static String header(TestRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    @Test
    void aWindowTheForecasterRefusesIsRetriedThenSentToForecastFailuresWhileTheOtherAircraftAreForecast()
            throws Exception {
        FailingOnBad refusing = new FailingOnBad() {
            @Override
            void onBad() {
                throw new IllegalArgumentException("the model refused the window of " + BAD);
            }
        };
        Harness h = new Harness(SETTINGS.withLimits(new BatchLimits(2, 30_000, 16)), refusing, null);
        h.send(BAD, 0, 5);
        h.send(GOOD, 0, 5);

        h.advance(200);
        assertEquals(List.of(GOOD), h.bandKeys(), "the call is bisected: its good window is answered");
        assertTrue(h.failures.isEmpty());
        assertEquals(1.0, h.count("sigmavrate.forecast.retries", FailedWindow.INFERENCE_FAILED), 0.0);

        h.advance(200);
        TestRecord<String, String> failure = h.failures.readRecord();
        assertTrue(h.failures.isEmpty());
        assertEquals(BAD, failure.key());
        assertEquals(FailedWindow.INFERENCE_FAILED, header(failure, ForecastFailure.REASON_HEADER));
        assertEquals("2", header(failure, ForecastFailure.ATTEMPTS_HEADER));
        JsonNode value = json(failure);
        assertEquals(BAD, value.get("icao24").asText());
        assertTrue(value.get("flight_id").asText().startsWith(BAD + "-20230601T120000Z"), value.toString());
        assertEquals(Instant.ofEpochMilli(Fixtures.T0 + 5_000).toString(), value.get("last_report_time").asText());
        assertEquals(FailedWindow.INFERENCE_FAILED, value.get("reason").asText());
        assertEquals(2, value.get("attempts").asInt());
        assertTrue(value.get("detail").asText().contains("refused the window of " + BAD), value.toString());
        assertEquals("baseline-altitude-difference", value.get("model_id").asText());
        assertEquals(Fixtures.T0 + 3_600_400, failure.timestamp(), "stamped with the wall clock");
        assertEquals(1.0, h.count("sigmavrate.forecast.failures", FailedWindow.INFERENCE_FAILED), 0.0);
        assertEquals(1.0, h.metrics.count("sigmavrate.records.out", "topic", TOPICS.forecastFailures()), 0.0);
        KeyValueStore<String, byte[]> pending = h.driver.getKeyValueStore(ForecastTopology.PENDING_STORE);
        assertEquals(null, pending.get(BAD), "the failed window has left the pending store");

        h.send(GOOD, 15);
        h.advance(200);
        assertEquals(List.of(GOOD), h.bandKeys(), "forecasts of the other aircraft go on");
    }

    @Test
    void aHungCallIsAbandonedByTheWatchdogItsWindowsRetriedThenFailedAndTheNextCallsRunOnAReplacedWorker()
            throws Exception {
        Semaphore entered = new Semaphore(0);
        FailingOnBad hanging = new FailingOnBad() {
            @Override
            void onBad() {
                entered.release();
                boolean released = false;
                while (!released) {
                    try {
                        released = releaseHung.await(GUARD_SECONDS, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        // deaf to the watchdog's interrupt, as a thread stuck in native code is
                    }
                }
            }
        };
        pool = new InferencePool(1, "test-inference");
        Harness h = new Harness(SETTINGS.withLimits(new BatchLimits(2, 1000, 16)), hanging, pool);
        h.send(BAD, 0, 5);
        h.send(GOOD, 0, 5);

        h.advance(200); // the call of both windows starts, and hangs
        assertTrue(entered.tryAcquire(GUARD_SECONDS, TimeUnit.SECONDS));
        h.advance(800);
        assertEquals(0.0, h.count("sigmavrate.forecast.retries", FailedWindow.TIMEOUT), 0.0, "within its timeout");
        h.advance(200);
        assertEquals(2.0, h.count("sigmavrate.forecast.retries", FailedWindow.TIMEOUT), 0.0);
        // the retry runs on a replacement worker: the pool's only thread is still stuck in the first call
        assertTrue(entered.tryAcquire(GUARD_SECONDS, TimeUnit.SECONDS));
        h.advance(1000);

        List<TestRecord<String, String>> failures = h.failures.readRecordsToList();
        assertEquals(List.of(GOOD, BAD), failures.stream().map(TestRecord::key).toList(),
                "a hung call is not bisected: its neighbours fail with it");
        for (TestRecord<String, String> f : failures) {
            assertEquals(FailedWindow.TIMEOUT, header(f, ForecastFailure.REASON_HEADER));
            assertEquals(2, json(f).get("attempts").asInt());
            assertEquals(f.key(), json(f).get("icao24").asText());
        }
        assertEquals(2.0, h.count("sigmavrate.forecast.failures", FailedWindow.TIMEOUT), 0.0);
        assertEquals(2, pool.stuckWorkers());
        assertTrue(h.bandKeys().isEmpty());

        h.send(GOOD, 15);
        h.advance(200); // starts the call of the new window, on a fresh worker
        for (int i = 0; pool.getCompletedTaskCount() < 1; i++) {
            assertTrue(i < GUARD_SECONDS * 100, "the call never ran: no worker replaced the stuck ones");
            Thread.sleep(10);
        }
        h.advance(200);
        assertEquals(List.of(GOOD), h.bandKeys(), "forecasts of the other aircraft go on");
    }

    @Test
    void aFlightKeepsAtMostItsNewestPendingWindowsAndTheRestAreCountedAsSuperseded() throws Exception {
        Harness h = new Harness(SETTINGS.withLimits(new BatchLimits(3, 30_000, 16)), new AltitudeDifferenceForecaster(),
                null);
        int[] everyFiveSeconds = new int[120];
        for (int i = 0; i < everyFiveSeconds.length; i++) {
            everyFiveSeconds[i] = i * 5;
        }
        h.send(GOOD, everyFiveSeconds); // 60 windows (5 s, 15 s, ... 595 s) before any batch runs

        KeyValueStore<String, byte[]> pending = h.driver.getKeyValueStore(ForecastTopology.PENDING_STORE);
        List<PendingWindow> waiting = PendingWindow.decode(pending.get(GOOD));
        int cap = 16;
        assertEquals(cap, waiting.size());
        assertEquals(Fixtures.T0 + 595_000, waiting.get(cap - 1).window().lastReportTime(), "the newest are kept");
        assertTrue(pending.get(GOOD).length < 64 * 1024, pending.get(GOOD).length + " bytes");
        assertEquals(60.0 - cap, h.metrics.count("sigmavrate.pending.superseded", null, null), 0.0);

        h.advance(200);
        assertEquals(cap, h.bandKeys().size());
    }
}
