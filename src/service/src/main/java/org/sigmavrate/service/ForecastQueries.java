package org.sigmavrate.service;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The {@code /forecasts} queries' own bounded threads. A query may block for seconds (forwarded to an owner that does
 * not answer); on Quarkus's shared worker pool, which also runs the health checks, enough of them would starve the
 * probes and get the instance restarted for being busy. Here at most {@code threads} run and {@code maxQueued} wait;
 * more are refused at once (503), and a query not answered within the timeout gets 504.
 */
public final class ForecastQueries implements AutoCloseable {
    private final ThreadPoolExecutor executor;
    private final Duration timeout;

    public ForecastQueries(int threads, int maxQueued, Duration timeout) {
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS,
                new ArrayBlockingQueue<>(Math.max(1, maxQueued)), r -> {
                    Thread t = new Thread(r, "forecast-query-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.timeout = timeout;
    }

    /** Total time a query may take, waiting included; also the HTTP timeout of a forwarded query. */
    public Duration timeout() {
        return timeout;
    }

    /** Runs the query on these threads: its response, 503 when too many wait, or 504 after the timeout. */
    public CompletionStage<Response> run(Supplier<Response> query) {
        CompletableFuture<Response> answer = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                if (answer.isDone()) {
                    return; // timed out while waiting: its 504 is sent, the work would be wasted
                }
                try {
                    answer.complete(query.get());
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
            return answer.completeOnTimeout(error(Response.Status.GATEWAY_TIMEOUT, "no answer within "
                    + timeout.toMillis() + " ms"), timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.completedFuture(Response.fromResponse(error(Response.Status.SERVICE_UNAVAILABLE,
                    "too many queries in progress; retry")).header("Retry-After", "1").build());
        }
    }

    private static Response error(Response.Status status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity("{\"error\":\"" + message + "\"}")
                .build();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
