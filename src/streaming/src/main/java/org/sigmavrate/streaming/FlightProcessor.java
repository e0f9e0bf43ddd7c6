package org.sigmavrate.streaming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

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
import org.sigmavrate.batching.PendingWindow;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.tracking.FlightTrack;

/**
 * Per-aircraft state and batched inference. Each report updates its aircraft's {@link FlightTrack}; when the
 * flight is due, its window is snapshotted into the pending store. A wall-clock punctuator (stream time stalls on
 * quiet partitions) hands all pending windows of the task to ONE forecaster call, on the inference executor (off
 * the stream thread, which keeps consuming), and a later punctuation sends the outputs; batches grow with load.
 * Over capacity (the call's time budget, from the measured cost per window), the most-changed flights go first and
 * the others wait (cadence stretched, counted). All state lives in changelogged stores, windows in flight included:
 * nothing is lost or repeated across a crash with exactly-once.
 */
public final class FlightProcessor implements Processor<String, SurveillanceReport, String, Object> {
    private static final Logger LOG = Logger.getLogger(FlightProcessor.class);
    static final int PROBE_WINDOWS = 4;
    /** Calls before the cost estimate may defer windows: the probe and the call sized on it alone. */
    static final int WARMUP_CALLS = 2;

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
    /** measured forecaster cost per window (EWMA, seconds); NaN until the first call: see {@link #batchCap()} */
    private double secondsPerWindow = Double.NaN;
    // cost per window of the last calls; the estimate is their lower median, so that one call slowed by a GC pause,
    // a busy core or a cold JIT (the first, probing call) does not make the next calls defer windows
    private final double[] recentCosts = new double[5];
    private int recentCalls;
    /** runs the forecaster off the stream thread; null: on it, inside the punctuation */
    private final Executor executor;
    private Batch inFlight;

    public FlightProcessor(StreamingSettings settings, WindowAssembler assembler, WindowForecaster forecaster,
            String specSha256, StreamingMetrics metrics, Serializer<DensityBands> bandsSerializer, Executor executor) {
        this.executor = executor;
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

    /**
     * Most windows the next call may take: {@code forecaster.batch.max-windows}, and with a time budget, as many as
     * the measured cost per window fits in it (a first call of {@value #PROBE_WINDOWS} windows measures it).
     */
    int batchCap() {
        int cap = settings.maxBatchWindows();
        if (settings.batchBudgetMillis() > 0) {
            if (Double.isNaN(secondsPerWindow)) {
                return Math.min(cap, PROBE_WINDOWS);
            }
            double fits = settings.batchBudgetMillis() / 1000.0 / Math.max(secondsPerWindow, 1e-9);
            cap = (int) Math.max(1, Math.min(cap, fits));
        }
        return cap;
    }

    /** A batch handed to the forecaster: its windows (by flight) and, once done, the forecasts. */
    private static final class Batch {
        final List<Map.Entry<String, PendingWindow>> entries;
        CompletableFuture<Result> result;

        Batch(List<Map.Entry<String, PendingWindow>> entries) {
            this.entries = entries;
        }
    }

    private record Result(List<WindowForecast> forecasts, long nanos, boolean failed) {
    }

    /**
     * The punctuator. Without an executor, runs every pending window of this task through one forecaster call
     * (up to the cap) and sends the outputs. With one, hands the batch to it and returns at once, so the stream
     * thread keeps consuming while the model runs; a later punctuation sends the outputs and removes the windows
     * from the pending store, in the same transaction. Until then they stay in the (changelogged) store, so a crash
     * mid-inference recomputes them after the restart: same windows and seeds, same outputs. Package-visible for
     * tests.
     */
    void flush() {
        if (inFlight != null) {
            if (!inFlight.result.isDone()) {
                return;
            }
            Batch done = inFlight;
            inFlight = null;
            complete(done);
        }
        Batch batch = select();
        if (batch == null) {
            return;
        }
        List<ObservedWindow> windows = new ArrayList<>(batch.entries.size());
        for (Map.Entry<String, PendingWindow> e : batch.entries) {
            windows.add(e.getValue().window());
        }
        batch.result = executor == null ? CompletableFuture.completedFuture(run(windows))
                : CompletableFuture.supplyAsync(() -> run(windows), executor);
        if (batch.result.isDone()) {
            complete(batch);
        } else {
            inFlight = batch;
        }
    }

    private Result run(List<ObservedWindow> windows) {
        long started = System.nanoTime();
        try {
            return new Result(forecaster.forecast(windows), System.nanoTime() - started, false);
        } catch (RuntimeException e) {
            LOG.errorf(e, "forecaster %s failed on a batch of %d windows; they are dropped", forecaster.modelId(),
                    windows.size());
            return new Result(List.of(), System.nanoTime() - started, true);
        }
    }

    /** The next batch: all pending windows, or over the cap the most-changed ones (the others wait). */
    private Batch select() {
        Map<String, List<PendingWindow>> queued = new LinkedHashMap<>();
        try (KeyValueIterator<String, byte[]> it = pending.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                queued.put(kv.key, PendingWindow.decode(kv.value));
            }
        }
        if (queued.isEmpty()) {
            return null;
        }
        List<Map.Entry<String, PendingWindow>> all = new ArrayList<>();
        queued.forEach((k, list) -> list.forEach(w -> all.add(Map.entry(k, w))));
        int cap = batchCap();
        if (all.size() <= cap) {
            return new Batch(all);
        }
        if (recentCalls < WARMUP_CALLS && cap < settings.maxBatchWindows()) {
            // the probe call that measures the cost, and the call after it (sized on the probe alone, which a cold
            // JIT may have slowed): the other windows wait for the next call as they are (no overload is known yet,
            // so nothing is deferred or dropped); a configured max-windows cap that is already binding is a real
            // overload and is handled below
            return new Batch(new ArrayList<>(all.subList(0, cap)));
        }
        Comparator<Map.Entry<String, PendingWindow>> byFlightAndTime = Comparator
                .comparing((Map.Entry<String, PendingWindow> e) -> e.getKey())
                .thenComparingLong(e -> e.getValue().window().lastReportTime());
        List<Map.Entry<String, PendingWindow>> ranked = new ArrayList<>(all);
        ranked.sort(Comparator.comparingDouble((Map.Entry<String, PendingWindow> e) -> -e.getValue().change())
                .thenComparing(byFlightAndTime));
        List<Map.Entry<String, PendingWindow>> batch = new ArrayList<>(ranked.subList(0, cap));
        List<Map.Entry<String, PendingWindow>> rest = ranked.subList(cap, ranked.size());
        metrics.stretched(rest.size());
        batch.sort(byFlightAndTime);
        // over capacity: a waiting flight keeps only its newest window (besides those in the batch)
        Map<String, List<PendingWindow>> keep = new HashMap<>();
        for (Map.Entry<String, PendingWindow> e : batch) {
            keep.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        Map<String, PendingWindow> newestDeferred = new HashMap<>();
        for (Map.Entry<String, PendingWindow> e : rest) {
            newestDeferred.merge(e.getKey(), e.getValue(),
                    (a, b) -> a.window().lastReportTime() >= b.window().lastReportTime() ? a : b);
        }
        for (Map.Entry<String, PendingWindow> e : newestDeferred.entrySet()) {
            List<PendingWindow> list = keep.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
            list.add(e.getValue());
            pending.put(e.getKey(), PendingWindow.encode(list));
        }
        return new Batch(batch);
    }

    /** Sends a finished batch's outputs and removes its windows from the pending store. */
    private void complete(Batch batch) {
        Result r = batch.result.join();
        List<WindowForecast> forecasts = r.forecasts();
        int n = batch.entries.size();
        if (n > 0) {
            recentCosts[recentCalls++ % recentCosts.length] = r.nanos() / 1e9 / n;
            double[] last = Arrays.copyOf(recentCosts, Math.min(recentCalls, recentCosts.length));
            Arrays.sort(last);
            secondsPerWindow = last[(last.length - 1) / 2];
        }
        if (r.failed()) {
            metrics.deadLettered("inference-failed");
        }
        int forward = 0;
        for (WindowForecast f : forecasts) {
            forward += f.forwardCalls();
        }
        metrics.batch(n, r.nanos(), n == 0 ? 0 : (double) forward / n);
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
            metrics.triggerToOutput(now - batch.entries.get(i).getValue().queuedAtMs());
        }
        metrics.recordsOut(settings.topics().trajectories(), forecasts.size());
        metrics.recordsOut(settings.topics().bands(), forecasts.size());
        Map<String, List<PendingWindow>> done = new LinkedHashMap<>();
        for (Map.Entry<String, PendingWindow> e : batch.entries) {
            done.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
        }
        for (Map.Entry<String, List<PendingWindow>> e : done.entrySet()) {
            List<PendingWindow> left = PendingWindow.decode(pending.get(e.getKey()));
            left.removeIf(w -> e.getValue().stream().anyMatch(d -> sameWindow(d, w)));
            if (left.isEmpty()) {
                pending.delete(e.getKey());
            } else {
                pending.put(e.getKey(), PendingWindow.encode(left));
            }
        }
    }

    private static boolean sameWindow(PendingWindow a, PendingWindow b) {
        return a.window().lastReportTime() == b.window().lastReportTime()
                && a.window().window().startMillis() == b.window().window().startMillis()
                && a.window().window().flightId().equals(b.window().window().flightId());
    }

    @Override
    public void close() {
        inFlight = null; // its windows are still in the pending store: whoever owns the task next computes them
    }
}
