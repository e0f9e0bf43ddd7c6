package org.sigmavrate.model.sampling;

import java.util.SplittableRandom;

/** One sample path in progress: the order committed so far with its tokens, and the positions still to sample. */
final class PathState {
    final int task;
    final long[] order;
    final long[] tokens;
    int committed;
    final long[] remaining;
    int remainingCount;
    final SplittableRandom rng;
    int calls;
    int steps;

    PathState(int task, SampleTask t, SplittableRandom rng) {
        this.task = task;
        int total = t.knownOrder().length + t.unknown().length;
        this.order = new long[total];
        this.tokens = new long[total];
        System.arraycopy(t.knownOrder(), 0, order, 0, t.knownOrder().length);
        System.arraycopy(t.knownTokens(), 0, tokens, 0, t.knownTokens().length);
        this.committed = t.knownOrder().length;
        this.remaining = t.unknown().clone();
        this.remainingCount = remaining.length;
        this.rng = rng;
    }

    boolean done() {
        return remainingCount == 0;
    }

    void commit(long position, long token) {
        order[committed] = position;
        tokens[committed] = token;
        committed++;
        for (int i = 0; i < remainingCount; i++) {
            if (remaining[i] == position) {
                remaining[i] = remaining[remainingCount - 1];
                remaining[remainingCount - 1] = position;
                remainingCount--;
                return;
            }
        }
        throw new IllegalStateException("position " + position + " is not left to sample");
    }

    /** Shuffles the remaining positions in place (Fisher-Yates) and returns them. */
    long[] shuffledRemaining() {
        long[] r = java.util.Arrays.copyOf(remaining, remainingCount);
        for (int i = r.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long tmp = r[i];
            r[i] = r[j];
            r[j] = tmp;
        }
        return r;
    }

    long[] result(int positions) {
        long[] out = new long[positions];
        java.util.Arrays.fill(out, -1);
        for (int i = 0; i < committed; i++) {
            out[(int) order[i]] = tokens[i];
        }
        return out;
    }
}
