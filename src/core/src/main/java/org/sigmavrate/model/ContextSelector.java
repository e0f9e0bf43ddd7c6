package org.sigmavrate.model;

import java.util.Arrays;

import org.sigmavrate.domain.grid.GridDefinition;

/**
 * Chooses which observed positions of a window the model is conditioned on: those nearest in time to a position asked
 * about (the gaps to infill, the steps to forecast), the later one first on a tie, at most {@code maxKnown} of them
 * and, with a span, none more than {@code spanSteps} steps farther from the asked steps than the nearest observed
 * one. A dense 1-report/s window holds over a hundred observed positions; the density pass costs in proportion to
 * them, while the ones far from every unknown step tell the model little about it. The span is what a count cannot
 * do: in a forecast window every observed step lies on one side, so the span keeps the last few steps (7 steps: the
 * 16 positions that forecast better than 32, docs/INFERENCE.md), while a window whose observations are spread among
 * its unknown steps keeps them all (each lies next to one). σ-GPT is trained on every subset of observed positions,
 * so a subset is a valid condition: the answer is p(x | the kept positions).
 */
public final class ContextSelector {
    private final GridDefinition grid;
    private final int maxKnown;
    private final int spanSteps;

    /**
     * @param maxKnown  most positions kept; 0: no limit
     * @param spanSteps how many steps farther than the nearest observed one a kept position may lie; 0: no limit
     */
    public ContextSelector(GridDefinition grid, int maxKnown, int spanSteps) {
        if (maxKnown < 0 || spanSteps < 0) {
            throw new IllegalArgumentException("max known positions and span must be >= 0 (0: no limit)");
        }
        this.grid = grid;
        this.maxKnown = maxKnown;
        this.spanSteps = spanSteps;
    }

    /** The positions of {@code known} to condition on, in their given order; all of them when within the limits. */
    public long[] select(long[] known, long[] unknown) {
        boolean countBinds = maxKnown > 0 && known.length > maxKnown;
        if (!countBinds && spanSteps == 0 || known.length == 0 || unknown.length == 0) {
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
        int kept = countBinds ? maxKnown : known.length;
        if (spanSteps > 0) {
            int farthest = distance[grid.stepOf((int) known[rank[0]])] + spanSteps;
            int within = 0;
            while (within < kept && distance[grid.stepOf((int) known[rank[within]])] <= farthest) {
                within++;
            }
            kept = within;
        }
        if (kept == known.length) {
            return known;
        }
        boolean[] keep = new boolean[known.length];
        for (int i = 0; i < kept; i++) {
            keep[rank[i]] = true;
        }
        long[] out = new long[kept];
        int n = 0;
        for (int i = 0; i < known.length; i++) {
            if (keep[i]) {
                out[n++] = known[i];
            }
        }
        return out;
    }
}
