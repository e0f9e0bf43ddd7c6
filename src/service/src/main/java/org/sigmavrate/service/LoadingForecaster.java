package org.sigmavrate.service;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;

/**
 * A forecaster that loads on its own thread, so that the service's two slow start-up steps, loading the model (an ONNX
 * session: most of a second) and Kafka Streams joining its group (about two), overlap instead of adding up. The
 * topology needs the forecaster object, not the model: every call that needs the model ({@link #forecast},
 * {@link #modelId}, which the stream processors ask for when their tasks are created) waits for the load and throws
 * its failure. {@link #state()} answers at once, for readiness.
 */
final class LoadingForecaster implements WindowForecaster {
    /** Where the load stands, without waiting for it. */
    sealed interface State {
        record Loading() implements State {
        }

        record Loaded(WindowForecaster forecaster) implements State {
        }

        record Failed(RuntimeException failure) implements State {
        }
    }

    private final CompletableFuture<WindowForecaster> load = new CompletableFuture<>();
    private final Thread loader;

    private LoadingForecaster(Supplier<WindowForecaster> open, String threadName) {
        loader = new Thread(() -> {
            try {
                load.complete(open.get());
            } catch (RuntimeException | Error e) {
                load.completeExceptionally(e);
            }
        }, threadName);
        loader.setDaemon(true); // it never holds the JVM up
    }

    /** A forecaster that {@code open} will load on a thread named {@code threadName} once {@link #begin} is called. */
    static LoadingForecaster of(Supplier<WindowForecaster> open, String threadName) {
        return new LoadingForecaster(open, threadName);
    }

    /** {@link #of}, begun. */
    static LoadingForecaster start(Supplier<WindowForecaster> open, String threadName) {
        LoadingForecaster forecaster = of(open, threadName);
        forecaster.begin();
        return forecaster;
    }

    /** Starts the load (again: nothing). */
    synchronized void begin() {
        if (loader.getState() == Thread.State.NEW) {
            loader.start();
        }
    }

    /** Calls one of the two when the load ends, on the loader's thread (or at once, here, if it has ended). */
    LoadingForecaster whenLoaded(Consumer<WindowForecaster> loaded, Consumer<RuntimeException> failed) {
        load.whenComplete((f, e) -> {
            if (e == null) {
                loaded.accept(f);
            } else {
                failed.accept(unwrap(e));
            }
        });
        return this;
    }

    State state() {
        if (!load.isDone()) {
            return new State.Loading();
        }
        try {
            return new State.Loaded(load.getNow(null));
        } catch (CompletionException e) {
            return new State.Failed(unwrap(e));
        }
    }

    /** The loaded forecaster, waiting for the load; its failure rethrown as it was thrown. */
    WindowForecaster loaded() {
        try {
            return load.join();
        } catch (CompletionException e) {
            throw unwrap(e);
        }
    }

    @Override
    public List<WindowForecast> forecast(List<ObservedWindow> windows) {
        return loaded().forecast(windows);
    }

    @Override
    public String modelId() {
        return loaded().modelId();
    }

    @Override
    public String specSha256() {
        return loaded().specSha256();
    }

    /**
     * Closes the model once loaded. A load still running at shutdown is waited for (it cannot be interrupted inside
     * ONNX Runtime) for at most {@code timeoutMillis}; after that its session is left to the process's end.
     */
    void close(long timeoutMillis) {
        synchronized (this) {
            if (loader.getState() == Thread.State.NEW) {
                return; // never begun (the start-up stopped first): nothing to wait for
            }
        }
        try {
            load.get(timeoutMillis, TimeUnit.MILLISECONDS).close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // failed: nothing to close; still loading: nothing that can be closed safely now
        }
    }

    @Override
    public void close() {
        close(30_000);
    }

    private static RuntimeException unwrap(Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        // an Error too (the ONNX Runtime natives refused: UnsatisfiedLinkError) is a failed load, not a dead loader
        return cause instanceof RuntimeException r ? r : new IllegalStateException(cause.toString(), cause);
    }
}
