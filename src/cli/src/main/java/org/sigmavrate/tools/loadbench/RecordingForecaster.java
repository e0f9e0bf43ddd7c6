package org.sigmavrate.tools.loadbench;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;

/**
 * Wraps the service's forecaster in the load bench: records every call (when, how many windows, how long, forward
 * calls) and keeps the windows of the latest calls, so that the same batches can be run again outside the service
 * (the standalone inference ceiling). Does not own the wrapped forecaster.
 */
public final class RecordingForecaster implements WindowForecaster {
    /** One forecaster call; {@code windowSteps}: the grid steps of its windows, summed. */
    public record Call(long endMillis, int windows, long nanos, long forwardCalls, long windowSteps) {
    }

    private final WindowForecaster inner;
    private final int keep;
    private final List<Call> calls = new ArrayList<>();
    private final Deque<List<ObservedWindow>> recent = new ArrayDeque<>();

    public RecordingForecaster(WindowForecaster inner, int keepBatches) {
        this.inner = inner;
        this.keep = keepBatches;
    }

    @Override
    public List<WindowForecast> forecast(List<ObservedWindow> windows) {
        long t0 = System.nanoTime();
        List<WindowForecast> out = inner.forecast(windows);
        long nanos = System.nanoTime() - t0;
        long forward = 0;
        for (WindowForecast f : out) {
            forward += f.forwardCalls();
        }
        long steps = 0;
        for (ObservedWindow w : windows) {
            steps += w.steps();
        }
        synchronized (this) {
            calls.add(new Call(System.currentTimeMillis(), windows.size(), nanos, forward, steps));
            recent.addLast(List.copyOf(windows));
            while (recent.size() > keep) {
                recent.removeFirst();
            }
        }
        return out;
    }

    public synchronized List<Call> calls() {
        return new ArrayList<>(calls);
    }

    public synchronized List<List<ObservedWindow>> recentBatches() {
        return new ArrayList<>(recent);
    }

    @Override
    public String modelId() {
        return inner.modelId();
    }

    @Override
    public String specSha256() {
        return inner.specSha256();
    }
}
