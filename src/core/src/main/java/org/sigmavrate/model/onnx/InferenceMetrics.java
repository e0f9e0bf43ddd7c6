package org.sigmavrate.model.onnx;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters of one session, for a metrics registry to read: forward calls, sequences and steps run, time spent, and
 * which execution provider is in use ({@code cpu} or {@code cuda}).
 */
public final class InferenceMetrics {
    private final String provider;
    private final AtomicLong forwardCalls = new AtomicLong();
    private final AtomicLong sequences = new AtomicLong();
    private final AtomicLong steps = new AtomicLong();
    private final AtomicLong outputRows = new AtomicLong();
    private final AtomicLong nanos = new AtomicLong();

    InferenceMetrics(String provider) {
        this.provider = provider;
    }

    void record(int batch, int length, int rows, long elapsedNanos) {
        forwardCalls.incrementAndGet();
        sequences.addAndGet(batch);
        steps.addAndGet((long) batch * length);
        outputRows.addAndGet((long) batch * rows);
        nanos.addAndGet(elapsedNanos);
    }

    /** {@code cpu} or {@code cuda}. */
    public String executionProvider() {
        return provider;
    }

    /** 1 when running on CUDA, else 0 (a gauge). */
    public int onGpu() {
        return "cuda".equals(provider) ? 1 : 0;
    }

    public long forwardCalls() {
        return forwardCalls.get();
    }

    public long sequences() {
        return sequences.get();
    }

    public long steps() {
        return steps.get();
    }

    /** Output rows computed (padded steps included): the steps whose logits were asked for, or every step (v1). */
    public long outputRows() {
        return outputRows.get();
    }

    public double seconds() {
        return nanos.get() / 1e9;
    }
}
