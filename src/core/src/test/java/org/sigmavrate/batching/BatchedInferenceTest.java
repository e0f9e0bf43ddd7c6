package org.sigmavrate.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.tracking.Trigger;

/**
 * The batch scheduler and the call loop on real triggered windows ({@link RealTraffic}), with a model whose cost per
 * window is set on a hand-moved clock: every call takes exactly what the test says, so the budget arithmetic is
 * asserted exactly and nothing sleeps.
 */
class BatchedInferenceTest {
    private static final Duration MS = Duration.ofMillis(1);
    /** three attempts, a 30 s watchdog, 64 windows per flight: out of the way of the tests that do not test them */
    private static final BatchLimits LIMITS = new BatchLimits(3, 30_000, 64);
    private static List<PendingWindow> traffic;

    private final HandClock clock = new HandClock();

    @BeforeAll
    static void read() {
        traffic = RealTraffic.windows();
    }

    private static MapQueue queueOf(List<PendingWindow> windows) {
        MapQueue queue = new MapQueue();
        windows.forEach(queue::add);
        return queue;
    }

    /**
     * The first {@code perAircraft} windows of each of the first {@code aircraft} aircraft to trigger that have that
     * many, aircraft after aircraft.
     */
    private static List<PendingWindow> firstWindows(int aircraft, int perAircraft) {
        Map<String, Integer> count = new LinkedHashMap<>();
        traffic.forEach(p -> count.merge(p.icao24(), 1, Integer::sum));
        Map<String, List<PendingWindow>> by = new LinkedHashMap<>();
        for (PendingWindow p : traffic) {
            if (count.get(p.icao24()) >= perAircraft && (by.containsKey(p.icao24()) || by.size() < aircraft)) {
                List<PendingWindow> list = by.computeIfAbsent(p.icao24(), k -> new ArrayList<>());
                if (list.size() < perAircraft) {
                    list.add(p);
                }
            }
        }
        List<PendingWindow> out = new ArrayList<>();
        by.values().forEach(out::addAll);
        return out;
    }

    private static List<Integer> sizes(List<FinishedBatch> batches) {
        return batches.stream().map(b -> b.windows().size()).toList();
    }

    /** Flushes until the queue is empty; every flush's result in order. */
    private static List<Flushed> drain(BatchedInference inference, MapQueue queue) {
        List<Flushed> out = new ArrayList<>();
        while (queue.size() > 0) {
            out.add(inference.flush(queue));
        }
        return out;
    }

    private static List<FinishedBatch> finished(List<Flushed> flushes) {
        List<FinishedBatch> out = new ArrayList<>();
        flushes.forEach(f -> out.addAll(f.finished()));
        return out;
    }

    @Test
    void aFirstCallOfFourMeasuresTheCostAndTheBudgetSizesTheNextCallsFromIt() {
        CostlyForecaster model = new CostlyForecaster(clock, MS.multipliedBy(10));
        BatchScheduler scheduler = new BatchScheduler(2048, 100);
        BatchedInference inference = new BatchedInference(model, scheduler, null, clock, LIMITS);
        assertEquals(BatchScheduler.PROBE_WINDOWS, scheduler.cap(), "nothing measured yet: the probe");
        // c03bf7's two reports are 579 s apart: its second waits for a confirmation that never comes (FlightTrack)
        List<PendingWindow> windows = firstWindows(19, 1);
        assertEquals(18, windows.size());
        MapQueue queue = queueOf(windows);

        List<Flushed> flushes = drain(inference, queue);

        assertEquals(List.of(4, 10, 4), model.calls, "the probe, then 100 ms / 10 ms per window");
        assertEquals(0.010, scheduler.secondsPerWindow(), 0.0);
        assertEquals(10, scheduler.cap());
        assertTrue(flushes.stream().allMatch(f -> f.deferred() == 0), "every window fitted in its turn");
        List<FinishedBatch> batches = finished(flushes);
        assertEquals(List.of(4, 10, 4), sizes(batches));
        for (FinishedBatch b : batches) {
            assertEquals(10_000_000L * b.windows().size(), b.nanos(), "timed on the clock");
            assertTrue(b.failed().isEmpty() && b.retrying().isEmpty());
            for (int i = 0; i < b.windows().size(); i++) {
                assertSame(b.windows().get(i).window(), b.forecasts().get(i).request(), "forecast i answers window i");
            }
        }
    }

    /** The topology test's slow model (40 ms per window, 100 ms budget), exactly. */
    @Test
    void aSlowModelGetsWhatItsBudgetFitsAndNothingIsDeferredDuringTheFirstTwoCalls() {
        CostlyForecaster model = new CostlyForecaster(clock, MS.multipliedBy(40));
        BatchedInference inference = new BatchedInference(model, new BatchScheduler(2048, 100), null, clock, LIMITS);
        MapQueue queue = queueOf(firstWindows(10, 1));

        List<Flushed> flushes = drain(inference, queue);

        // 4 (probe), 2 (sized on the probe; the rest wait untouched), then 2 per call with the others deferred
        assertEquals(List.of(4, 2, 2, 2), model.calls);
        assertEquals(List.of(0, 0, 2, 0), flushes.stream().map(Flushed::deferred).toList());
        assertEquals(10, finished(flushes).stream().mapToInt(b -> b.forecasts().size()).sum(), "all published");
    }

    @Test
    void theFirstCallsLeaveTheQueueAsItIsButABindingMaxWindowsCapDefersAtOnce() {
        List<PendingWindow> windows = firstWindows(3, 3);
        assertEquals(9, windows.size());

        MapQueue probing = queueOf(windows);
        Flushed probe = new BatchedInference(new CostlyForecaster(clock, MS), new BatchScheduler(2048, 100), null, clock,
                LIMITS).flush(probing);
        assertEquals(4, probe.finished().get(0).windows().size());
        assertEquals(0, probe.deferred());
        assertEquals(5, probing.size(), "the other five wait as they are, older windows of an aircraft included");

        MapQueue capped = queueOf(windows);
        Flushed first = new BatchedInference(new CostlyForecaster(clock, MS), new BatchScheduler(4, 0), null, clock,
                LIMITS).flush(capped);
        assertEquals(4, first.finished().get(0).windows().size());
        assertEquals(5, first.deferred(), "max-windows binds from the first call: a real overload");
        capped.all().forEach((icao24, left) -> assertEquals(1, left.size(), icao24 + " keeps only its newest window"));
    }

    /** The second and third windows of 8 aircraft: real, finite changes (a first window's change is infinite). */
    private static List<PendingWindow> changedWindows() {
        List<PendingWindow> windows = new ArrayList<>();
        for (PendingWindow p : firstWindows(8, 3)) {
            if (Double.isFinite(p.change())) {
                windows.add(p);
            }
        }
        return windows;
    }

    @Test
    void overCapacityTheMostChangedAircraftGoFirstAndTheOthersKeepOnlyTheirNewestWindow() {
        List<PendingWindow> windows = changedWindows();
        assertEquals(16, windows.size());
        MapQueue queue = queueOf(windows);
        CostlyForecaster model = new CostlyForecaster(clock, MS);
        BatchedInference inference = new BatchedInference(model, new BatchScheduler(5, 0), null, clock, LIMITS);

        Flushed flushed = inference.flush(queue);

        FinishedBatch call = flushed.finished().get(0);
        assertEquals(5, call.windows().size());
        assertEquals(11, flushed.deferred());
        List<PendingWindow> leftOut = new ArrayList<>(windows);
        leftOut.removeIf(w -> call.windows().stream().anyMatch(w::sameWindowAs));
        double leastInCall = call.windows().stream().mapToDouble(PendingWindow::change).min().orElseThrow();
        double mostLeftOut = leftOut.stream().mapToDouble(PendingWindow::change).max().orElseThrow();
        assertTrue(leastInCall >= mostLeftOut, leastInCall + " vs " + mostLeftOut);
        assertEquals(call.windows().stream().sorted(Comparator.comparing(PendingWindow::icao24)
                .thenComparingLong(p -> p.window().lastReportTime())).toList(), call.windows(), "by aircraft and time");
        Map<String, List<PendingWindow>> left = queue.all();
        for (String icao24 : left.keySet()) {
            PendingWindow newest = leftOut.stream().filter(w -> w.icao24().equals(icao24))
                    .max(Comparator.comparingLong(w -> w.window().lastReportTime())).orElseThrow();
            assertEquals(List.of(newest), left.get(icao24), icao24 + ": its newest window left out waits, no other");
        }
        assertEquals(leftOut.stream().map(PendingWindow::icao24).distinct().count(), left.size());
    }

    @Test
    void overCapacityUrgentWindowsGoFirstAndALaterRoutineWindowKeepsTheUrgentTriggerItAnswers() {
        // the same 16 windows; the least changed window of each of four aircraft is a band exit, the others are
        // routine refreshes; one aircraft's band exit is followed by a routine window of its own
        List<PendingWindow> real = changedWindows();
        Map<String, PendingWindow> leastChanged = new LinkedHashMap<>();
        real.forEach(p -> leastChanged.merge(p.icao24(), p, (a, b) -> a.change() <= b.change() ? a : b));
        List<String> urgentAircraft = leastChanged.keySet().stream().limit(4).toList();
        List<PendingWindow> windows = new ArrayList<>();
        for (PendingWindow p : real) {
            boolean urgent = urgentAircraft.contains(p.icao24()) && leastChanged.get(p.icao24()) == p;
            windows.add(new PendingWindow(p.window(), p.change(), p.queuedAtMs(),
                    urgent ? Trigger.LEFT_BAND : Trigger.MAX_AGE));
        }
        List<PendingWindow> byChange = windows.stream().sorted(Comparator.comparingDouble(p -> -p.change())).toList();
        assertTrue(byChange.subList(0, 5).stream().filter(PendingWindow::urgent).count() < 4,
                "by change alone some band exits would wait");
        MapQueue queue = queueOf(windows);
        CostlyForecaster model = new CostlyForecaster(clock, MS);
        BatchedInference inference = new BatchedInference(model, new BatchScheduler(5, 0), null, clock, LIMITS);

        Flushed flushed = inference.flush(queue);

        List<PendingWindow> call = flushed.finished().get(0).windows();
        assertEquals(4, call.stream().filter(PendingWindow::urgent).count(), "every band exit in the first call");
        double mostChangedRoutine = windows.stream().filter(p -> !p.urgent()).mapToDouble(PendingWindow::change).max()
                .orElseThrow();
        assertTrue(call.stream().anyMatch(p -> !p.urgent() && p.change() == mostChangedRoutine),
                "the fifth place goes to the most changed routine window");

        // a band exit left out, then a routine window of the same aircraft: the newer one waits, answering the exit
        MapQueue second = new MapQueue();
        PendingWindow exit = windows.stream().filter(PendingWindow::urgent)
                .filter(e -> windows.stream().anyMatch(p -> laterRoutine(p, e))).findFirst().orElseThrow();
        List<PendingWindow> others = windows.stream().filter(p -> !p.icao24().equals(exit.icao24())).toList();
        PendingWindow refresh = windows.stream().filter(p -> laterRoutine(p, exit)).findFirst().orElseThrow();
        List<PendingWindow> busy = new ArrayList<>();
        // five urgent windows of other aircraft, each more changed, fill the call: the exit and its refresh wait
        others.stream().filter(p -> p.change() > exit.change()).limit(5).forEach(p -> busy.add(
                new PendingWindow(p.window(), p.change(), p.queuedAtMs(), Trigger.PHASE_CHANGE)));
        assertEquals(5, busy.size());
        busy.forEach(second::add);
        second.add(exit);
        second.add(refresh);
        BatchedInference again = new BatchedInference(new CostlyForecaster(clock, MS), new BatchScheduler(5, 0), null,
                clock, LIMITS);

        again.flush(second);

        List<PendingWindow> waiting = second.all().get(exit.icao24());
        assertEquals(1, waiting.size(), "only its newest window waits");
        PendingWindow kept = waiting.get(0);
        assertSame(refresh.window(), kept.window(), "the newer data");
        assertEquals(Trigger.LEFT_BAND, kept.trigger(), "answering the band exit");
        assertEquals(exit.queuedAtMs(), kept.queuedAtMs(), "timed from the exit");
    }

    private static boolean laterRoutine(PendingWindow p, PendingWindow of) {
        return p.icao24().equals(of.icao24()) && !p.urgent()
                && p.window().lastReportTime() > of.window().lastReportTime();
    }

    @Test
    void maxWindowsCapsACallThatTheBudgetWouldLetGrow() {
        CostlyForecaster model = new CostlyForecaster(clock, MS);
        BatchScheduler scheduler = new BatchScheduler(8, 1000);
        BatchedInference inference = new BatchedInference(model, scheduler, null, clock, LIMITS);
        List<Flushed> flushes = drain(inference, queueOf(firstWindows(19, 1)));
        assertEquals(List.of(4, 8, 6), model.calls);
        assertEquals(8, scheduler.cap(), "1000 ms fit 1000 windows of 1 ms; max-windows allows 8");
        assertEquals(List.of(0, 6, 0), flushes.stream().map(Flushed::deferred).toList());
    }

    @Test
    void oneSlowCallDoesNotShrinkTheNextCallsButASlowerModelDoes() {
        CostlyForecaster model = new CostlyForecaster(clock, MS.multipliedBy(10));
        BatchScheduler scheduler = new BatchScheduler(2048, 100);
        BatchedInference inference = new BatchedInference(model, scheduler, null, clock, LIMITS);
        MapQueue queue = new MapQueue();
        List<Integer> caps = new ArrayList<>();
        for (int call = 0; call < 5; call++) {
            if (call == 2) {
                model.costs(MS.multipliedBy(100)); // a GC pause, a busy core ... or a slower model from now on
            }
            traffic.subList(call * 30, call * 30 + 30).forEach(queue::add); // the replay goes on between calls
            inference.flush(queue);
            caps.add(scheduler.cap());
        }
        assertEquals(List.of(4, 10, 10, 10, 10), model.calls);
        // lower median of the last five calls' cost: 10 ms until three of the five took 100 ms
        assertEquals(List.of(10, 10, 10, 10, 1), caps);
    }

    /** Runs the inference tasks only when the test says so: "the model is still running" until then. */
    private static final class ManualExecutor implements Executor {
        final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
        }

        void runAll() {
            while (!tasks.isEmpty()) {
                tasks.poll().run();
            }
        }
    }

    @Test
    void offTheCallersThreadOneCallRunsAtATimeAndWindowsQueuedMeanwhileGoInTheNext() {
        CostlyForecaster model = new CostlyForecaster(clock, MS);
        ManualExecutor executor = new ManualExecutor();
        BatchedInference inference = new BatchedInference(model, new BatchScheduler(2048, 0), executor, clock, LIMITS);
        List<PendingWindow> firstTwo = firstWindows(6, 2);
        List<PendingWindow> first = new ArrayList<>();
        List<PendingWindow> later = new ArrayList<>();
        for (PendingWindow p : firstTwo) {
            (first.stream().anyMatch(w -> w.icao24().equals(p.icao24())) ? later : first).add(p);
        }
        MapQueue queue = queueOf(first);

        Flushed started = inference.flush(queue);
        assertTrue(started.finished().isEmpty(), "the call runs on the executor");
        assertEquals(1, executor.tasks.size());
        later.forEach(queue::add); // the stream thread keeps consuming: newer windows of the same aircraft
        assertTrue(inference.flush(queue).finished().isEmpty());
        assertEquals(1, executor.tasks.size(), "one call at a time");
        assertEquals(12, queue.size(), "windows leave the queue only once their call has finished");

        executor.runAll();
        Flushed done = inference.flush(queue);
        assertEquals(1, done.finished().size());
        assertEquals(first.stream().sorted(Comparator.comparing(PendingWindow::icao24)).toList(),
                done.finished().get(0).windows());
        assertEquals(6, queue.size(), "the newer windows wait for the next call ...");
        assertEquals(1, executor.tasks.size(), "... which has started");
        executor.runAll();
        assertEquals(later.stream().sorted(Comparator.comparing(PendingWindow::icao24)).toList(),
                inference.flush(queue).finished().get(0).windows());
        assertEquals(0, queue.size());
        assertEquals(List.of(6, 6), model.calls);
    }

    @Test
    void aCallAbandonedMidwayIsComputedByWhoeverTakesTheQueueOver() {
        ManualExecutor executor = new ManualExecutor();
        MapQueue queue = queueOf(firstWindows(5, 1));
        BatchedInference first = new BatchedInference(new CostlyForecaster(clock, MS), new BatchScheduler(2048, 0),
                executor, clock, LIMITS);
        first.flush(queue);
        first.abandon(); // the task moves to another instance before the model has finished
        assertEquals(5, queue.size());

        CostlyForecaster next = new CostlyForecaster(clock, MS);
        List<FinishedBatch> batches = new BatchedInference(next, new BatchScheduler(2048, 0), null, clock, LIMITS)
                .flush(queue).finished();
        assertEquals(List.of(5), next.calls);
        assertEquals(5, batches.get(0).forecasts().size());
        assertEquals(0, queue.size());
    }

    private static List<String> aircraft(List<PendingWindow> windows) {
        return windows.stream().map(PendingWindow::icao24).toList();
    }

    @Test
    void aWindowTheModelRefusesIsIsolatedByBisectionSoItsNeighboursAreAnsweredAndItAloneIsRetriedThenFailed() {
        CostlyForecaster model = new CostlyForecaster(clock, MS);
        BatchedInference inference = new BatchedInference(model, new BatchScheduler(2048, 0), null, clock,
                new BatchLimits(3, 0, 64));
        MapQueue queue = queueOf(firstWindows(6, 1));
        List<PendingWindow> inOrder = new ArrayList<>();
        queue.all().values().forEach(inOrder::addAll);
        PendingWindow poison = inOrder.get(2);
        model.refuses(poison.icao24());

        FinishedBatch first = inference.flush(queue).finished().get(0);

        // 6 throws; its halves: [0,1,2] throws -> [0] answers, [1,2] throws -> [1] answers, [2] throws alone; [3,4,5]
        assertEquals(List.of(6, 3, 1, 2, 1, 1, 3), model.calls);
        List<PendingWindow> others = new ArrayList<>(inOrder);
        others.remove(poison);
        assertEquals(aircraft(others), aircraft(first.answered()), "every neighbour is answered in the same call");
        for (int i = 0; i < first.answered().size(); i++) {
            assertSame(first.answered().get(i).window(), first.forecasts().get(i).request());
        }
        assertEquals(1, first.retrying().size());
        FailedWindow retry = first.retrying().get(0);
        assertSame(poison, retry.window());
        assertEquals(FailedWindow.INFERENCE_FAILED, retry.reason());
        assertEquals(1, retry.attempts());
        assertTrue(retry.detail().contains("refused the window of " + poison.icao24()), retry.detail());
        assertTrue(first.failed().isEmpty());
        assertEquals(List.of(poison.icao24()), List.copyOf(queue.all().keySet()), "only the refused window waits");

        FinishedBatch second = inference.flush(queue).finished().get(0);
        assertEquals(2, second.retrying().get(0).attempts());
        FinishedBatch third = inference.flush(queue).finished().get(0);
        assertTrue(third.retrying().isEmpty());
        assertEquals(1, third.failed().size());
        assertSame(poison, third.failed().get(0).window());
        assertEquals(3, third.failed().get(0).attempts(), "max-attempts calls, then failed for good");
        assertEquals(0, queue.size());
        assertEquals(List.of(6, 3, 1, 2, 1, 1, 3, 1, 1), model.calls);
        assertTrue(inference.flush(queue).finished().isEmpty(), "nothing left to try");
    }

    @Test
    void aCallThatFailsOnceIsRetriedAndAnswered() {
        CostlyForecaster model = new CostlyForecaster(clock, MS);
        model.failsOnCall(0);
        BatchedInference inference = new BatchedInference(model, new BatchScheduler(2048, 0), null, clock, LIMITS);
        MapQueue queue = queueOf(firstWindows(1, 1));

        FinishedBatch failed = inference.flush(queue).finished().get(0);
        assertEquals(1, failed.retrying().size());
        assertTrue(failed.answered().isEmpty());
        assertEquals(1, queue.size(), "kept for the retry");
        FinishedBatch retried = inference.flush(queue).finished().get(0);
        assertEquals(1, retried.forecasts().size());
        assertTrue(retried.retrying().isEmpty() && retried.failed().isEmpty());
        assertEquals(0, queue.size());
        assertEquals(List.of(1, 1), model.calls);
    }

    @Test
    void theWatchdogAbandonsACallPastItsTimeoutAndItsWindowsAreRetriedThenFailed() {
        CostlyForecaster model = new CostlyForecaster(clock, MS);
        ManualExecutor hung = new ManualExecutor(); // never runs what it is given: the model does not answer
        BatchedInference inference = new BatchedInference(model, new BatchScheduler(2048, 0), hung, clock,
                new BatchLimits(2, 1000, 64));
        MapQueue queue = queueOf(firstWindows(3, 1));

        assertTrue(inference.flush(queue).finished().isEmpty());
        clock.advance(MS.multipliedBy(999));
        assertTrue(inference.flush(queue).finished().isEmpty(), "within its timeout the call is waited for");
        assertEquals(1, hung.tasks.size());
        clock.advance(MS);
        FinishedBatch timedOut = inference.flush(queue).finished().get(0);
        assertTrue(timedOut.timedOut());
        assertTrue(timedOut.answered().isEmpty());
        assertEquals(3, timedOut.retrying().size());
        for (FailedWindow w : timedOut.retrying()) {
            assertEquals(FailedWindow.TIMEOUT, w.reason());
            assertEquals(1, w.attempts());
        }
        assertEquals(1_000_000_000L, timedOut.nanos());
        assertTrue(((java.util.concurrent.Future<?>) hung.tasks.peek()).isCancelled(), "the hung call is cancelled");
        assertEquals(2, hung.tasks.size(), "and its windows are tried again at once");
        assertEquals(3, queue.size());

        clock.advance(MS.multipliedBy(1000));
        FinishedBatch last = inference.flush(queue).finished().get(0);
        assertEquals(3, last.failed().size());
        assertTrue(last.failed().stream().allMatch(w -> w.attempts() == 2 && w.reason().equals(FailedWindow.TIMEOUT)));
        assertTrue(last.failed().get(0).detail().contains("timeout 1000 ms"), last.failed().get(0).detail());
        assertEquals(0, queue.size());
        assertEquals(2, hung.tasks.size(), "nothing left to start");

        hung.runAll(); // the abandoned calls come back late: cancelled, they do not even run
        assertTrue(model.calls.isEmpty());
        assertTrue(inference.flush(queue).finished().isEmpty());
    }

    @Test
    void aFlightKeepsItsNewestWindowsUpToTheCapAndAWindowSupersededDuringItsCallIsNotReported() {
        List<PendingWindow> three = firstWindows(1, 3);
        ManualExecutor hung = new ManualExecutor();
        BatchedInference inference = new BatchedInference(new CostlyForecaster(clock, MS), new BatchScheduler(2048, 0),
                hung, clock, new BatchLimits(1, 1000, 2));
        MapQueue queue = new MapQueue();

        assertEquals(0, inference.enqueue(queue, three.get(0)));
        inference.flush(queue); // the oldest window's call hangs
        assertEquals(0, inference.enqueue(queue, three.get(1)));
        assertEquals(1, inference.enqueue(queue, three.get(2)), "over the cap of 2: the oldest is superseded");
        assertEquals(three.subList(1, 3), queue.of(three.get(0).icao24()));

        clock.advance(MS.multipliedBy(1000));
        Flushed flushed = inference.flush(queue);
        FinishedBatch timedOut = flushed.finished().get(0);
        assertTrue(timedOut.timedOut());
        assertTrue(timedOut.failed().isEmpty() && timedOut.retrying().isEmpty(),
                "superseded (and counted) while its call hung: nothing to retry or report");
        assertEquals(2, hung.tasks.size(), "the newer windows' call has started");
        assertEquals(2, queue.size());
    }
}
