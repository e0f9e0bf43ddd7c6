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
import org.sigmavrate.batching.FailedWindow;
import org.sigmavrate.batching.FinishedBatch;
import org.sigmavrate.batching.Flushed;
import org.sigmavrate.batching.NanoClock;
import org.sigmavrate.batching.PendingWindow;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.model.eval.LiveSkill;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.Trigger;
import org.sigmavrate.tracking.WindowAssembler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of per-aircraft state and batched inference; the decisions are the core's. Each report updates its
 * aircraft's {@link FlightTrack} in the flights store; when the flight is due (the track's re-forecast policy:
 * {@link ReforecastRules}), its window is snapshotted into the pending store with its trigger, which both output
 * records carry; a published forecast goes back into the track as its standing one. A wall-clock punctuator (stream
 * time stalls on quiet partitions) lets {@link BatchedInference} finish the last call and start the next, off the stream thread when an executor is given, and sends what finished (and the
 * windows that failed their last attempt, to the forecast-failures topic; see {@link BatchedInference}). All
 * state lives in changelogged stores, windows in flight included: nothing is lost or repeated across a crash with
 * exactly-once.
 */
public final class FlightProcessor implements Processor<String, Report, String, FlightOutput> {
    private static final Logger LOG = LoggerFactory.getLogger(FlightProcessor.class);
    /**
     * The latest event time of a report that continued its flight without a jump, over the task's aircraft (not
     * stored: after a restart it starts afresh). A report ahead of its own flight but not of this is a flight back
     * from a silence, used at once; one ahead of both is held as a possible bad clock ({@link FlightTrack#accept}).
     * First reports and jumps do not move it, so one bad clock cannot vouch for another.
     */
    private long othersLatest = FlightTrack.NONE;
    private final StreamingSettings settings;
    private final WindowAssembler assembler;
    private final String specSha256;
    private final WindowForecaster forecaster;
    private String modelId;
    private final StreamingMetrics metrics;
    private final BatchedInference inference;
    private final RejectionLedger ledger = new RejectionLedger();
    /** scores a published forecast per aircraft against later windows (see {@link LiveSkill}); not persisted */
    private final LiveSkill skill = new LiveSkill();
    private ProcessorContext<String, FlightOutput> context;
    private KeyValueStore<String, byte[]> flights;
    private PendingStore pending;
    private KeyValueStore<String, DensityBands> latest;
    private boolean bandMismatchLogged;

    /** @param executor runs the forecaster off the stream thread; null: on it, inside the punctuation */
    public FlightProcessor(StreamingSettings settings, WindowAssembler assembler, WindowForecaster forecaster,
            String specSha256, StreamingMetrics metrics, Executor executor) {
        this.settings = settings;
        this.assembler = assembler;
        this.specSha256 = specSha256;
        this.metrics = metrics;
        this.forecaster = forecaster;
        // the watchdog reads the stream thread's wall clock, the one the punctuator runs on
        this.inference = new BatchedInference(forecaster,
                new BatchScheduler(settings.maxBatchWindows(), settings.batchBudgetMillis()), executor,
                NanoClock.system(), () -> context.currentSystemTimeMs() * 1_000_000L, settings.limits());
    }

    @Override
    public void init(ProcessorContext<String, FlightOutput> context) {
        this.context = context;
        // here, not in the constructor: Kafka Streams calls the supplier while the topology is built, and the service
        // builds it while its model still loads (asking the id waits for the load)
        this.modelId = forecaster.modelId();
        this.flights = context.getStateStore(ForecastTopology.FLIGHTS_STORE);
        this.pending = new PendingStore(context.getStateStore(ForecastTopology.PENDING_STORE), metrics);
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

    /**
     * The aircraft's stored track, or a new one. State that cannot be read (a format from a newer release, a damaged
     * changelog) starts the aircraft afresh and is counted: skipping its reports instead would blind it for good.
     */
    private FlightTrack storedTrack(String key) {
        byte[] stored = flights.get(key);
        if (stored == null) {
            return new FlightTrack(key);
        }
        try {
            return FlightTrack.fromBytes(key, stored);
        } catch (RuntimeException e) {
            metrics.stateReset("unreadable-flight-state");
            LOG.warn("flight state of {} unreadable ({}): starting it afresh", key, e.getMessage());
            return new FlightTrack(key);
        }
    }

    @Override
    public void process(Record<String, Report> record) {
        String key = record.key();
        FlightTrack track = storedTrack(key);
        long before = track.latest();
        long t = record.value().timeMillis();
        FlightTrack.Outcome outcome = track.accept(record.value(), assembler.rules(), othersLatest);
        boolean placed = outcome == FlightTrack.Outcome.ACCEPTED || outcome == FlightTrack.Outcome.TRIGGERED
                || outcome == FlightTrack.Outcome.CONFIRMED;
        if (placed && before != FlightTrack.NONE && t <= before + assembler.rules().graceMillis()) {
            othersLatest = Math.max(othersLatest, t);
        }
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
                Trigger why = track.trigger();
                metrics.triggerDecision(true, why.label());
                ObservedWindow window = assembler.window(track, ledger);
                double change = track.markTriggered();
                if (window != null) {
                    metrics.skill(skill.score(window));
                    PendingWindow queued = new PendingWindow(window, change, context.currentSystemTimeMs(), why);
                    metrics.pendingSuperseded(inference.enqueue(pending, queued));
                }
            }
            case CONFIRMED -> metrics.triggerDecision(false, "confirmed");
            case ACCEPTED -> {
            }
        }
        flights.put(key, track.toBytes());
    }

    private void publish(Flushed flushed) {
        metrics.stretched(flushed.deferred());
        flushed.finished().forEach(this::publish);
    }

    /**
     * Sends a finished call's outputs and its windows that failed for good (all these windows have left the pending
     * store in the same transaction); counts the windows kept for a retry.
     */
    private void publish(FinishedBatch batch) {
        if (!batch.timedOut()) {
            metrics.batch(batch.windows().size(), batch.nanos(), batch.forwardCallsPerWindow());
        }
        long now = context.currentSystemTimeMs();
        List<WindowForecast> forecasts = batch.forecasts();
        for (int i = 0; i < forecasts.size(); i++) {
            WindowForecast f = forecasts.get(i);
            Trigger why = batch.answered().get(i).trigger();
            ForecastOutput output = ForecastOutput.of(f, specSha256, why == null ? null : why.label());
            context.forward(new Record<>(f.request().icao24(), output, f.request().lastReportTime()));
            latest.put(f.request().icao24(), output.bands());
            skill.offer(f);
            stand(f);
            metrics.triggerToOutput(now - batch.answered().get(i).queuedAtMs());
        }
        metrics.recordsOut(settings.topics().trajectories(), forecasts.size());
        metrics.recordsOut(settings.topics().bands(), forecasts.size());
        batch.retrying().forEach(r -> metrics.forecastRetried(r.reason()));
        for (FailedWindow failed : batch.failed()) {
            // timestamped with the wall clock: the event time may be older than the topic's retention allows
            ForecastFailure failure = ForecastFailure.of(failed, modelId, now);
            Record<String, FlightOutput> record = new Record<>(failure.icao24(), failure, now);
            failure.addHeaders(record.headers());
            context.forward(record);
            metrics.forecastFailed(failed.reason());
        }
        metrics.recordsOut(settings.topics().forecastFailures(), batch.failed().size());
    }

    /**
     * Makes a published forecast its flight's standing forecast, which the re-forecast policy compares the next reports
     * with ({@link FlightTrack#published}); the track ignores one of another flight or older than its standing one.
     * Nothing to keep under the cadence policy.
     */
    private void stand(WindowForecast f) {
        ReforecastRules rules = assembler.rules().reforecast();
        if (!rules.onChanges()) {
            return;
        }
        String key = f.request().icao24();
        byte[] stored = flights.get(key);
        if (stored == null) {
            return; // removed as silent meanwhile
        }
        FlightTrack track;
        try {
            track = FlightTrack.fromBytes(key, stored);
        } catch (RuntimeException e) {
            return; // unreadable: the aircraft's next report starts it afresh and counts it (storedTrack)
        }
        try {
            if (track.published(f, rules)) {
                flights.put(key, track.toBytes());
            }
        } catch (IllegalArgumentException e) {
            // the forecaster publishes other quantile levels than the band needs (checked at start by the service)
            if (!bandMismatchLogged) {
                bandMismatchLogged = true;
                LOG.warn("re-forecast policy: {}; forecasts are renewed at the max age only", e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        inference.abandon();
    }
}
