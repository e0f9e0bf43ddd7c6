package org.sigmavrate.streaming;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;

import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.batching.BatchScheduler;
import org.sigmavrate.batching.BatchedInference;
import org.sigmavrate.batching.FinishedBatch;
import org.sigmavrate.batching.Flushed;
import org.sigmavrate.batching.NanoClock;
import org.sigmavrate.batching.PendingWindow;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.tracking.FlightTrack;

/**
 * The Kafka side of per-aircraft state and batched inference; the decisions are the core's. Each report updates its
 * aircraft's {@link FlightTrack} in the flights store; when the flight is due, its window is snapshotted into the
 * pending store. A wall-clock punctuator (stream time stalls on quiet partitions) lets {@link BatchedInference} finish
 * the last call and start the next, off the stream thread when an executor is given, and sends what finished. All
 * state lives in changelogged stores, windows in flight included: nothing is lost or repeated across a crash with
 * exactly-once.
 */
public final class FlightProcessor implements Processor<String, Report, String, ForecastOutput> {
    private final StreamingSettings settings;
    private final WindowAssembler assembler;
    private final String specSha256;
    private final StreamingMetrics metrics;
    private final BatchedInference inference;
    private final RejectionLedger ledger = new RejectionLedger();
    private ProcessorContext<String, ForecastOutput> context;
    private KeyValueStore<String, byte[]> flights;
    private PendingStore pending;
    private KeyValueStore<String, DensityBands> latest;

    /** @param executor runs the forecaster off the stream thread; null: on it, inside the punctuation */
    public FlightProcessor(StreamingSettings settings, WindowAssembler assembler, WindowForecaster forecaster,
            String specSha256, StreamingMetrics metrics, Executor executor) {
        this.settings = settings;
        this.assembler = assembler;
        this.specSha256 = specSha256;
        this.metrics = metrics;
        this.inference = new BatchedInference(forecaster,
                new BatchScheduler(settings.maxBatchWindows(), settings.batchBudgetMillis()), executor,
                NanoClock.system());
    }

    @Override
    public void init(ProcessorContext<String, ForecastOutput> context) {
        this.context = context;
        this.flights = context.getStateStore(ForecastTopology.FLIGHTS_STORE);
        this.pending = new PendingStore(context.getStateStore(ForecastTopology.PENDING_STORE));
        this.latest = context.getStateStore(ForecastTopology.LATEST_STORE);
        context.schedule(Duration.ofMillis(settings.batchEveryMillis()), PunctuationType.WALL_CLOCK_TIME,
                now -> publish(inference.flush(pending)));
        if (settings.expireAfterMillis() != StreamingSettings.NEVER_EXPIRE) {
            SilentAircraftSweeper sweeper = new SilentAircraftSweeper(settings.expireAfterMillis(), flights, pending,
                    latest, metrics);
            context.schedule(SilentAircraftSweeper.EVERY, PunctuationType.WALL_CLOCK_TIME,
                    now -> sweeper.sweep(context.currentStreamTimeMs(), now));
        }
    }

    @Override
    public void process(Record<String, Report> record) {
        String key = record.key();
        byte[] stored = flights.get(key);
        FlightTrack track = stored == null ? new FlightTrack(key) : FlightTrack.fromBytes(key, stored);
        switch (track.accept(record.value(), assembler.rules())) {
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
                    pending.add(new PendingWindow(window, change, context.currentSystemTimeMs()));
                }
            }
            case ACCEPTED -> {
            }
        }
        flights.put(key, track.toBytes());
    }

    private void publish(Flushed flushed) {
        metrics.stretched(flushed.deferred());
        flushed.finished().forEach(this::publish);
    }

    /** Sends a finished call's outputs (their windows have left the pending store in the same transaction). */
    private void publish(FinishedBatch batch) {
        if (batch.failed()) {
            metrics.deadLettered("inference-failed");
        }
        metrics.batch(batch.windows().size(), batch.nanos(), batch.forwardCallsPerWindow());
        long now = context.currentSystemTimeMs();
        List<WindowForecast> forecasts = batch.forecasts();
        for (int i = 0; i < forecasts.size(); i++) {
            WindowForecast f = forecasts.get(i);
            ForecastOutput output = ForecastOutput.of(f, specSha256);
            context.forward(new Record<>(f.request().icao24(), output, f.request().lastReportTime()));
            latest.put(f.request().icao24(), output.bands());
            metrics.triggerToOutput(now - batch.windows().get(i).queuedAtMs());
        }
        metrics.recordsOut(settings.topics().trajectories(), forecasts.size());
        metrics.recordsOut(settings.topics().bands(), forecasts.size());
    }

    @Override
    public void close() {
        inference.abandon();
    }
}
