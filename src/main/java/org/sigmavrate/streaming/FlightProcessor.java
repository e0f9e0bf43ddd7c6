package org.sigmavrate.streaming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jboss.logging.Logger;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;

/**
 * Per-aircraft state and batched inference. Each report updates its aircraft's {@link FlightTrack}; when the
 * flight is due, its window is snapshotted into the pending store. A wall-clock punctuator (stream time stalls on
 * quiet partitions) runs all pending windows of the task through ONE forecaster call and sends the outputs, so the
 * batch grows with load. Over capacity, the most-changed flights go first and the others wait (cadence
 * stretched, counted). All state lives in changelogged stores: nothing is lost or repeated across a crash with
 * exactly-once.
 */
public final class FlightProcessor implements Processor<String, SurveillanceReport, String, Object> {
    private static final Logger LOG = Logger.getLogger(FlightProcessor.class);

    private final StreamingSettings settings;
    private final WindowAssembler assembler;
    private final WindowForecaster forecaster;
    private final String specSha256;
    private final StreamingMetrics metrics;
    private final Serializer<DensityBands> bandsSerializer;
    private final RejectionLedger ledger = new RejectionLedger();
    private ProcessorContext<String, Object> context;
    private KeyValueStore<String, byte[]> flights;
    private KeyValueStore<String, byte[]> pending;
    private KeyValueStore<String, byte[]> latest;

    public FlightProcessor(StreamingSettings settings, WindowAssembler assembler, WindowForecaster forecaster,
            String specSha256, StreamingMetrics metrics, Serializer<DensityBands> bandsSerializer) {
        this.settings = settings;
        this.assembler = assembler;
        this.forecaster = forecaster;
        this.specSha256 = specSha256;
        this.metrics = metrics;
        this.bandsSerializer = bandsSerializer;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.flights = context.getStateStore(ForecastTopology.FLIGHTS_STORE);
        this.pending = context.getStateStore(ForecastTopology.PENDING_STORE);
        this.latest = context.getStateStore(ForecastTopology.LATEST_STORE);
        context.schedule(Duration.ofMillis(settings.batchEveryMillis()), PunctuationType.WALL_CLOCK_TIME, now -> flush());
    }

    @Override
    public void process(Record<String, SurveillanceReport> record) {
        String key = record.key();
        byte[] stored = flights.get(key);
        FlightTrack track = stored == null ? new FlightTrack(key) : FlightTrack.fromBytes(key, stored);
        FlightTrack.Outcome outcome = track.accept(ReportValidator.toReport(record.value()), assembler.rules());
        switch (outcome) {
            case LATE -> {
                metrics.lateDropped();
                return;
            }
            case IGNORED -> {
                metrics.ignored("on-ground-or-no-values");
                return;
            }
            case TRIGGERED -> {
                ObservedWindow window = assembler.window(track, ledger);
                double change = track.markTriggered();
                if (window != null) {
                    List<PendingWindow> queue = PendingWindow.decode(pending.get(key));
                    queue.add(new PendingWindow(window, change, context.currentSystemTimeMs()));
                    pending.put(key, PendingWindow.encode(queue));
                }
            }
            case ACCEPTED -> {
            }
        }
        flights.put(key, track.toBytes());
    }

    /** Runs every pending window of this task through one forecaster call. Package-visible for tests. */
    void flush() {
        Map<String, List<PendingWindow>> queued = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                queued.put(kv.key, PendingWindow.decode(kv.value));
            }
        }
        if (queued.isEmpty()) {
            return;
        }
        List<Map.Entry<String, PendingWindow>> all = new ArrayList<>();
        queued.forEach((k, list) -> list.forEach(w -> all.add(Map.entry(k, w))));
        Comparator<Map.Entry<String, PendingWindow>> byFlightAndTime = Comparator
                .comparing((Map.Entry<String, PendingWindow> e) -> e.getKey())
                .thenComparingLong(e -> e.getValue().window().lastReportTime());
        List<Map.Entry<String, PendingWindow>> batch;
        Map<String, List<PendingWindow>> deferred = new HashMap<>();
        if (all.size() <= settings.maxBatchWindows()) {
            batch = all;
        } else {
            List<Map.Entry<String, PendingWindow>> ranked = new ArrayList<>(all);
            ranked.sort(Comparator.comparingDouble((Map.Entry<String, PendingWindow> e) -> -e.getValue().change())
                    .thenComparing(byFlightAndTime));
            batch = new ArrayList<>(ranked.subList(0, settings.maxBatchWindows()));
            List<Map.Entry<String, PendingWindow>> rest = ranked.subList(settings.maxBatchWindows(), ranked.size());
            for (Map.Entry<String, PendingWindow> e : rest) {
                deferred.merge(e.getKey(), new ArrayList<>(List.of(e.getValue())), (a, b) -> {
                    a.addAll(b);
                    return a;
                });
            }
            metrics.stretched(rest.size());
            batch.sort(byFlightAndTime);
        }
        List<ObservedWindow> windows = new ArrayList<>(batch.size());
        for (Map.Entry<String, PendingWindow> e : batch) {
            windows.add(e.getValue().window());
        }
        long started = System.nanoTime();
        List<WindowForecast> forecasts;
        try {
            forecasts = forecaster.forecast(windows);
        } catch (RuntimeException e) {
            LOG.errorf(e, "forecaster %s failed on a batch of %d windows; they are dropped", forecaster.modelId(),
                    windows.size());
            metrics.deadLettered("inference-failed");
            forecasts = List.of();
        }
        long elapsed = System.nanoTime() - started;
        int forward = 0;
        for (WindowForecast f : forecasts) {
            forward += f.forwardCalls();
        }
        metrics.batch(windows.size(), elapsed, windows.isEmpty() ? 0 : (double) forward / windows.size());
        long now = context.currentSystemTimeMs();
        for (int i = 0; i < forecasts.size(); i++) {
            WindowForecast f = forecasts.get(i);
            String key = f.request().icao24();
            long timestamp = f.request().lastReportTime();
            InfilledTrajectory trajectory = ForecastRecords.trajectory(f, specSha256);
            DensityBands bands = ForecastRecords.bands(f, specSha256);
            context.forward(new Record<>(key, trajectory, timestamp));
            context.forward(new Record<>(key, bands, timestamp));
            latest.put(key, bandsSerializer.serialize(settings.topics().bands(), bands));
            metrics.triggerToOutput(now - batch.get(i).getValue().queuedAtMs());
        }
        metrics.recordsOut(settings.topics().trajectories(), forecasts.size());
        metrics.recordsOut(settings.topics().bands(), forecasts.size());
        for (String key : queued.keySet()) {
            List<PendingWindow> rest = deferred.get(key);
            if (rest == null) {
                pending.delete(key);
            } else {
                // over capacity: a waiting flight keeps only its newest window
                pending.put(key, PendingWindow.encode(List.of(rest.get(rest.size() - 1))));
            }
        }
    }
}
