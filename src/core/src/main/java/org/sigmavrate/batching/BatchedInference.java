package org.sigmavrate.batching;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import org.jboss.logging.Logger;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;

/**
 * Runs the queued windows through the forecaster, one batched call at a time, so that batches grow with load. Each
 * {@link #flush} hands back the call that has finished (after taking its windows out of the queue) and starts the
 * next one on the windows the {@link BatchScheduler} picks. With an executor the call runs there and {@code flush}
 * returns at once, so the caller keeps consuming while the model runs; a window leaves the queue only once its call
 * has finished, so a crash mid-call loses nothing: the same windows and seeds are computed after the restart.
 */
public final class BatchedInference {
    private static final Logger LOG = Logger.getLogger(BatchedInference.class);

    private final WindowForecaster forecaster;
    private final BatchScheduler scheduler;
    /** runs the forecaster off the caller's thread; null: on it, inside {@link #flush} */
    private final Executor executor;
    private final NanoClock clock;
    private CompletableFuture<FinishedBatch> inFlight;

    public BatchedInference(WindowForecaster forecaster, BatchScheduler scheduler, Executor executor, NanoClock clock) {
        this.forecaster = forecaster;
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = clock;
    }

    /** Finishes the call in flight if it is done, then starts the next one; nothing while the model still runs. */
    public Flushed flush(PendingQueue queue) {
        List<FinishedBatch> finished = new ArrayList<>(1);
        if (inFlight != null) {
            if (!inFlight.isDone()) {
                return Flushed.NOTHING;
            }
            finished.add(finish(inFlight, queue));
            inFlight = null;
        }
        BatchPlan plan = scheduler.plan(queue.all());
        if (plan.isEmpty()) {
            return new Flushed(finished, 0);
        }
        plan.requeued().forEach(queue::put);
        List<PendingWindow> windows = plan.windows();
        CompletableFuture<FinishedBatch> call = executor == null ? CompletableFuture.completedFuture(run(windows))
                : CompletableFuture.supplyAsync(() -> run(windows), executor);
        if (call.isDone()) {
            finished.add(finish(call, queue));
        } else {
            inFlight = call;
        }
        return new Flushed(finished, plan.deferred());
    }

    /**
     * Forgets the call in flight, as when the caller's task moves elsewhere: its windows are still queued, so
     * whoever owns the queue next computes them.
     */
    public void abandon() {
        inFlight = null;
    }

    private FinishedBatch run(List<PendingWindow> windows) {
        List<ObservedWindow> observed = new ArrayList<>(windows.size());
        for (PendingWindow p : windows) {
            observed.add(p.window());
        }
        long started = clock.nanoTime();
        try {
            List<WindowForecast> forecasts = forecaster.forecast(observed);
            return new FinishedBatch(windows, forecasts, clock.nanoTime() - started, false);
        } catch (RuntimeException e) {
            LOG.errorf(e, "forecaster %s failed on a batch of %d windows; they are dropped", forecaster.modelId(),
                    windows.size());
            return new FinishedBatch(windows, List.of(), clock.nanoTime() - started, true);
        }
    }

    /** Takes the call's cost into the estimate and its windows out of the queue. */
    private FinishedBatch finish(CompletableFuture<FinishedBatch> call, PendingQueue queue) {
        FinishedBatch done = call.join();
        scheduler.measured(done.windows().size(), done.nanos());
        Map<String, List<PendingWindow>> byAircraft = new LinkedHashMap<>();
        for (PendingWindow p : done.windows()) {
            byAircraft.computeIfAbsent(p.icao24(), k -> new ArrayList<>()).add(p);
        }
        byAircraft.forEach((icao24, computed) -> {
            List<PendingWindow> left = queue.of(icao24);
            left.removeIf(w -> computed.stream().anyMatch(w::sameWindowAs));
            queue.put(icao24, left);
        });
        return done;
    }
}
