package org.sigmavrate.model;

import java.util.Arrays;

import org.sigmavrate.domain.grid.GridDefinition;

/**
 * Chooses which observed positions of a window the model is conditioned on when there are more than a limit: those
 * nearest in time to a position asked about (the gaps to infill, the steps to forecast), the later one first on a
 * tie. A dense 1-report/s window holds over a hundred observed positions; the density pass costs in proportion to
 * them, while the ones far from every unknown step tell the model little about it. σ-GPT is trained on every
 * subset of observed positions, so a subset is a valid condition: the answer is p(x | the kept positions).
 */
public final class ContextSelector {
    private final GridDefinition grid;
    private final int maxKnown;

    public ContextSelector(GridDefinition grid, int maxKnown) {
        if (maxKnown < 0) {
            throw new IllegalArgumentException("max known positions must be >= 0 (0: all)");
        }
        this.grid = grid;
        this.maxKnown = maxKnown;
    }

    /** The positions of {@code known} to condition on, in their given order; all of them when within the limit. */
    public long[] select(long[] known, long[] unknown) {
        if (maxKnown == 0 || known.length <= maxKnown || unknown.length == 0) {
            return known;
        }
        int steps = grid.windowSteps();
        int[] distance = new int[steps];
        Arrays.fill(distance, Integer.MAX_VALUE);
        for (long u : unknown) {
            distance[grid.stepOf((int) u)] = 0;
        }
        // two sweeps give every step its distance to the nearest unknown step
        for (int s = 1; s < steps; s++) {
            if (distance[s - 1] != Integer.MAX_VALUE) {
                distance[s] = Math.min(distance[s], distance[s - 1] + 1);
            }
        }
        for (int s = steps - 2; s >= 0; s--) {
            if (distance[s + 1] != Integer.MAX_VALUE) {
                distance[s] = Math.min(distance[s], distance[s + 1] + 1);
            }
        }
        Integer[] rank = new Integer[known.length];
        for (int i = 0; i < rank.length; i++) {
            rank[i] = i;
        }
        Arrays.sort(rank, (a, b) -> {
            int sa = grid.stepOf((int) known[a]);
            int sb = grid.stepOf((int) known[b]);
            int byDistance = Integer.compare(distance[sa], distance[sb]);
            return byDistance != 0 ? byDistance : Long.compare(known[b], known[a]);
        });
        boolean[] keep = new boolean[known.length];
        for (int i = 0; i < maxKnown; i++) {
            keep[rank[i]] = true;
        }
        long[] out = new long[maxKnown];
        int n = 0;
        for (int i = 0; i < known.length; i++) {
            if (keep[i]) {
                out[n++] = known[i];
            }
        }
        return out;
    }
}
