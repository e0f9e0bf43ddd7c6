package org.sigmavrate.batching;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * <p>
 * No window is dropped silently when the model fails ({@link BatchLimits}):
 * <ul>
 * <li>a call that throws is <b>bisected</b> at once, on the same thread: its halves are tried apart, down to single
 * windows, so one window the model refuses does not fail its neighbours (a deterministic failure would otherwise
 * take the whole batch down on every retry). Only a window that throws alone is charged an attempt;</li>
 * <li>a <b>watchdog</b>: a call still running after the timeout is abandoned (cancelled, its worker interrupted, and
 * an {@link InferencePool} replaces the worker, which may be stuck in native code) and each of its windows is charged
 * an attempt. A hung call is not bisected: each try costs a whole timeout, and hangs are mostly the runtime's (a
 * wedged driver or thread), where what matters is reporting the windows soon and keeping the executor alive;</li>
 * <li>a window with attempts left stays queued and goes into a later call; one that has used its
 * {@code maxAttempts} leaves the queue in {@link FinishedBatch#failed()}, for the caller to report.</li>
 * </ul>
 * Attempts are counted in memory: a restart gives the windows restored from the queue a fresh count.
 */
public final class BatchedInference {
    private static final Logger LOG = Logger.getLogger(BatchedInference.class);

    private final WindowForecaster forecaster;
    private final BatchScheduler scheduler;
    /** runs the forecaster off the caller's thread; null: on it, inside {@link #flush} */
    private final Executor executor;
    /** times the calls (the cost per window); read on the thread that runs them */
    private final NanoClock clock;
    /** the caller's clock, which the watchdog reads inside {@link #flush} */
    private final NanoClock watchdog;
    private final BatchLimits limits;
    private final Map<WindowId, Integer> attempts = new HashMap<>();
    private Call inFlight;

    /** The watchdog reads the same clock that times the calls. */
    public BatchedInference(WindowForecaster forecaster, BatchScheduler scheduler, Executor executor, NanoClock clock,
            BatchLimits limits) {
        this(forecaster, scheduler, executor, clock, clock, limits);
    }

    public BatchedInference(WindowForecaster forecaster, BatchScheduler scheduler, Executor executor, NanoClock clock,
            NanoClock watchdog, BatchLimits limits) {
        this.forecaster = forecaster;
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = clock;
        this.watchdog = watchdog;
        this.limits = limits;
    }

    /**
     * Queues a newly triggered window; beyond {@link BatchLimits#maxPendingPerFlight()} the aircraft's oldest windows
     * are superseded (they would be published after their newer ones, if ever).
     *
     * @return the windows superseded
     */
    public int enqueue(PendingQueue queue, PendingWindow window) {
        List<PendingWindow> windows = queue.of(window.icao24());
        windows.add(window);
        int superseded = Math.max(0, windows.size() - limits.maxPendingPerFlight());
        queue.put(window.icao24(), superseded == 0 ? windows
                : new ArrayList<>(windows.subList(superseded, windows.size())));
        return superseded;
    }

    /**
     * Finishes the call in flight if it is done (or abandons it past the timeout), then starts the next one; nothing
     * while the model still runs within its time.
     */
    public Flushed flush(PendingQueue queue) {
        List<FinishedBatch> finished = new ArrayList<>(1);
        if (inFlight != null) {
            if (inFlight.task.isDone()) {
                finished.add(finish(inFlight, queue));
            } else if (pastTimeout(inFlight)) {
                finished.add(abandonTimedOut(inFlight, queue));
            } else {
                return Flushed.NOTHING;
            }
            inFlight = null;
        }
        Map<String, List<PendingWindow>> queued = queue.all();
        forgetAttemptsOfWindowsNotIn(queued);
        BatchPlan plan = scheduler.plan(queued);
        if (plan.isEmpty()) {
            return new Flushed(finished, 0);
        }
        plan.requeued().forEach(queue::put);
        Call call = start(plan.windows());
        if (call.task.isDone()) {
            finished.add(finish(call, queue));
        } else {
            inFlight = call;
        }
        return new Flushed(finished, plan.deferred());
    }

    private boolean pastTimeout(Call call) {
        return limits.timeoutMillis() > 0
                && watchdog.nanoTime() - call.startedAt >= TimeUnit.MILLISECONDS.toNanos(limits.timeoutMillis());
    }

    /**
     * Forgets the call in flight, as when the caller's task moves elsewhere: its windows are still queued, so
     * whoever owns the queue next computes them.
     */
    public void abandon() {
        if (inFlight != null) {
            inFlight.abandoned.set(true);
        }
        inFlight = null;
    }

    /** A call started: its windows, its task and when it started on the watchdog's clock. */
    private static final class Call {
        final List<PendingWindow> windows;
        final AtomicBoolean abandoned = new AtomicBoolean();
        final long startedAt;
        FutureTask<Outcome> task;

        Call(List<PendingWindow> windows, long startedAt) {
            this.windows = windows;
            this.startedAt = startedAt;
        }
    }

    /** What a call (with its bisection) gave: answers, and the windows that threw alone. */
    private static final class Outcome {
        final List<PendingWindow> answered = new ArrayList<>();
        final List<WindowForecast> forecasts = new ArrayList<>();
        final List<PendingWindow> threw = new ArrayList<>();
        final List<String> why = new ArrayList<>();
        long nanos;
    }

    /** Identifies a window across decodings of the queue (as {@link PendingWindow#sameWindowAs}). */
    private record WindowId(String flightId, long startMillis, long lastReportTime) {
        static WindowId of(PendingWindow p) {
            return new WindowId(p.window().window().flightId(), p.window().window().startMillis(),
                    p.window().lastReportTime());
        }
    }

    private Call start(List<PendingWindow> windows) {
        Call call = new Call(windows, watchdog.nanoTime());
        call.task = new FutureTask<>(() -> run(windows, call.abandoned));
        if (executor == null) {
            call.task.run();
        } else {
            executor.execute(call.task);
        }
        return call;
    }

    private Outcome run(List<PendingWindow> windows, AtomicBoolean abandoned) {
        Outcome out = new Outcome();
        long started = clock.nanoTime();
        callBisecting(windows, out, abandoned);
        out.nanos = clock.nanoTime() - started;
        return out;
    }

    private void callBisecting(List<PendingWindow> windows, Outcome out, AtomicBoolean abandoned) {
        if (abandoned.get()) {
            return; // the watchdog gave up on this call: its windows are retried elsewhere
        }
        List<ObservedWindow> observed = new ArrayList<>(windows.size());
        for (PendingWindow p : windows) {
            observed.add(p.window());
        }
        try {
            List<WindowForecast> forecasts = forecaster.forecast(observed);
            // a forecaster that publishes nothing (inference off) answers fewer windows: they leave the queue anyway
            int n = Math.min(forecasts.size(), windows.size());
            out.answered.addAll(windows.subList(0, n));
            out.forecasts.addAll(forecasts.subList(0, n));
        } catch (RuntimeException e) {
            if (windows.size() == 1) {
                LOG.warnf("forecaster %s failed on the window of %s (flight %s): %s", forecaster.modelId(),
                        windows.get(0).icao24(), windows.get(0).window().window().flightId(), e);
                out.threw.add(windows.get(0));
                out.why.add(describe(e));
                return;
            }
            LOG.debugf(e, "forecaster %s failed on a batch of %d windows; trying its halves", forecaster.modelId(),
                    windows.size());
            int half = windows.size() / 2;
            callBisecting(windows.subList(0, half), out, abandoned);
            callBisecting(windows.subList(half, windows.size()), out, abandoned);
        }
    }

    /** Takes the call's cost into the estimate, its answered windows out of the queue, and charges those that threw. */
    private FinishedBatch finish(Call call, PendingQueue queue) {
        Outcome out;
        try {
            out = call.task.get();
        } catch (ExecutionException e) {
            // an Error (not bisected: it says more about the JVM than about a window): every window is charged
            LOG.errorf(e.getCause(), "forecaster %s failed on a batch of %d windows", forecaster.modelId(),
                    call.windows.size());
            out = new Outcome();
            for (PendingWindow p : call.windows) {
                out.threw.add(p);
                out.why.add(describe(e.getCause()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the call was done", e);
        }
        if (out.threw.isEmpty()) {
            // a bisected call's time is not the model's cost for its windows
            scheduler.measured(call.windows.size(), out.nanos);
        }
        return settle(call.windows, out.answered, out.forecasts, out.threw, out.why, FailedWindow.INFERENCE_FAILED,
                out.nanos, false, queue);
    }

    private FinishedBatch abandonTimedOut(Call call, PendingQueue queue) {
        call.abandoned.set(true);
        call.task.cancel(true);
        if (executor instanceof InferencePool pool) {
            pool.abandoned(call.task);
        }
        long nanos = watchdog.nanoTime() - call.startedAt;
        String detail = "no answer after " + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms (timeout "
                + limits.timeoutMillis() + " ms), call of " + call.windows.size() + " windows";
        LOG.errorf("forecaster %s: %s; abandoned", forecaster.modelId(), detail);
        List<String> why = new ArrayList<>(call.windows.size());
        call.windows.forEach(w -> why.add(detail));
        return settle(call.windows, List.of(), List.of(), call.windows, why, FailedWindow.TIMEOUT, nanos, true, queue);
    }

    /**
     * Charges the windows that failed one attempt each (those superseded meanwhile are no longer queued: nothing to
     * retry or report), and takes out of the queue every window of the call except those to retry.
     */
    private FinishedBatch settle(List<PendingWindow> windows, List<PendingWindow> answered,
            List<WindowForecast> forecasts, List<PendingWindow> threw, List<String> why, String reason, long nanos,
            boolean timedOut, PendingQueue queue) {
        List<FailedWindow> retrying = new ArrayList<>();
        List<FailedWindow> failed = new ArrayList<>();
        Set<WindowId> stay = new HashSet<>();
        for (int i = 0; i < threw.size(); i++) {
            PendingWindow w = threw.get(i);
            if (queue.of(w.icao24()).stream().noneMatch(w::sameWindowAs)) {
                continue;
            }
            WindowId id = WindowId.of(w);
            int n = attempts.merge(id, 1, Integer::sum);
            if (n >= limits.maxAttempts()) {
                attempts.remove(id);
                failed.add(new FailedWindow(w, reason, why.get(i), n));
            } else {
                stay.add(id);
                retrying.add(new FailedWindow(w, reason, why.get(i), n));
            }
        }
        Map<String, List<PendingWindow>> byAircraft = new LinkedHashMap<>();
        for (PendingWindow p : windows) {
            if (!stay.contains(WindowId.of(p))) {
                attempts.remove(WindowId.of(p));
                byAircraft.computeIfAbsent(p.icao24(), k -> new ArrayList<>()).add(p);
            }
        }
        byAircraft.forEach((icao24, done) -> {
            List<PendingWindow> left = queue.of(icao24);
            left.removeIf(w -> done.stream().anyMatch(w::sameWindowAs));
            queue.put(icao24, left);
        });
        return new FinishedBatch(windows, answered, forecasts, retrying, failed, nanos, timedOut);
    }

    /** Windows superseded or deferred out of the queue take their attempt counts with them. */
    private void forgetAttemptsOfWindowsNotIn(Map<String, List<PendingWindow>> queued) {
        if (attempts.isEmpty()) {
            return;
        }
        Set<WindowId> present = new HashSet<>();
        queued.values().forEach(list -> list.forEach(p -> present.add(WindowId.of(p))));
        attempts.keySet().retainAll(present);
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        String text = e.getClass().getName() + (message == null ? "" : ": " + message);
        return text.length() <= 1000 ? text : text.substring(0, 1000) + "...";
    }
}
