package org.sigmavrate.model.sampling;

import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.model.density.CategoricalDensity;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SigmaGptSession;

/**
 * Burst sampling (σ-GPT, section on token-based rejection sampling): per round, one density-mode pass drafts every
 * remaining position from the current prefix, one causal pass over prefix + drafts in a uniform random order gives
 * each draft's conditional given the drafts before it, and the longest prefix of drafts passing u < p/q is
 * committed (plus, for {@link BurstVariant#EXACT}, a residual draw at the first rejection). A round is one step and
 * costs two forward calls (one when a single position is left), shared by all paths of all tasks.
 */
public final class BurstSampler extends SamplerSupport {
    private final BurstVariant variant;
    private final int orders;

    public BurstSampler(SigmaGptSession session, int maxBatch, BurstVariant variant, int orders) {
        super(session, maxBatch);
        this.variant = variant;
        this.orders = variant == BurstVariant.BEST_OF_ORDERS ? Math.max(2, orders) : 1;
    }

    public BurstSampler(SigmaGptSession session, int maxBatch) {
        this(session, maxBatch, BurstVariant.EXACT, 1);
    }

    @Override
    public String name() {
        return variant == BurstVariant.EXACT ? "burst" : "burst-" + variant.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public List<SampleResult> sample(List<SampleTask> tasks) {
        List<PathState> paths = start(tasks);
        int[] taskCalls = new int[tasks.size()];
        while (true) {
            List<PathState> active = new ArrayList<>();
            for (PathState p : paths) {
                if (!p.done()) {
                    active.add(p);
                }
            }
            if (active.isEmpty()) {
                break;
            }
            round(active, tasks.size(), taskCalls);
        }
        return finish(tasks, paths, taskCalls);
    }

    private void round(List<PathState> active, int taskCount, int[] taskCalls) {
        // 1. draft every remaining position from the prefix, in one density-mode pass
        int n = active.size();
        long[][] positions = new long[n][];
        long[][] drafts = new long[n][];
        double[][][] q = new double[n][][];
        List<ModelSequence> draftSeqs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            PathState p = active.get(i);
            positions[i] = java.util.Arrays.copyOf(p.remaining, p.remainingCount);
            draftSeqs.add(sequences.density(p.order, p.tokens, p.committed, positions[i], positions[i].length));
        }
        count(active, taskCount, taskCalls);
        forEachBatch(draftSeqs, (i, logits, b) -> {
            PathState p = active.get(i);
            int m = positions[i].length;
            q[i] = new double[m][];
            drafts[i] = new long[m];
            for (int j = 0; j < m; j++) {
                q[i][j] = blockProbabilities(logits, b, p.committed + j, positions[i][j]);
                drafts[i][j] = tokenOf(positions[i][j], CategoricalDensity.sampleBin(q[i][j], p.rng.nextDouble()));
            }
            p.calls++;
            p.steps++;
        });
        // 2. a uniform random order (or several) of the remaining positions per path; verify in one causal pass
        List<PathState> verifying = new ArrayList<>();
        List<int[]> perms = new ArrayList<>();
        List<ModelSequence> verifySeqs = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            PathState p = active.get(i);
            int m = positions[i].length;
            if (m == 1 || variant == BurstVariant.ACCEPT_ALL) {
                for (int j = 0; j < m; j++) {
                    p.commit(positions[i][j], drafts[i][j]);
                }
                continue;
            }
            verifying.add(p);
            for (int o = 0; o < orders; o++) {
                int[] perm = permutation(m, p);
                long[] order = java.util.Arrays.copyOf(p.order, p.committed + m);
                long[] toks = java.util.Arrays.copyOf(p.tokens, p.committed + m);
                for (int k = 0; k < m; k++) {
                    order[p.committed + k] = positions[i][perm[k]];
                    toks[p.committed + k] = drafts[i][perm[k]];
                }
                perms.add(perm);
                owner.add(i);
                verifySeqs.add(sequences.causal(order, toks, p.committed + m, p.committed));
            }
        }
        if (verifySeqs.isEmpty()) {
            return;
        }
        count(verifying, taskCount, taskCalls);
        for (PathState p : verifying) {
            p.calls++;
        }
        // 3. accept along each order; keep the outcome of the first order (EXACT, DISCARD) or the best (BEST_OF)
        Outcome[] best = new Outcome[n];
        forEachBatch(verifySeqs, (s, logits, b) -> {
            int i = owner.get(s);
            PathState p = active.get(i);
            int[] perm = perms.get(s);
            int m = perm.length;
            Outcome outcome = new Outcome(perm);
            outcome.accepted = 1; // the first draft was drawn from its exact conditional
            for (int k = 1; k < m; k++) {
                int j = perm[k];
                long pos = positions[i][j];
                double[] pk = blockProbabilities(logits, b, p.committed + k, pos);
                int bin = binOf(pos, drafts[i][j]);
                double u = p.rng.nextDouble();
                if (u * q[i][j][bin] < pk[bin]) {
                    outcome.accepted++;
                    continue;
                }
                if (variant == BurstVariant.EXACT || variant == BurstVariant.BEST_OF_ORDERS) {
                    double[] residual = new double[pk.length];
                    double z = 0;
                    for (int v = 0; v < pk.length; v++) {
                        residual[v] = Math.max(0, pk[v] - q[i][j][v]);
                        z += residual[v];
                    }
                    int drawn = CategoricalDensity.sampleBin(z > 0 ? residual : pk, p.rng.nextDouble());
                    outcome.replacement = tokenOf(pos, drawn);
                }
                break;
            }
            if (best[i] == null || outcome.committedCount() > best[i].committedCount()) {
                best[i] = outcome;
            }
        });
        for (int i = 0; i < n; i++) {
            Outcome o = best[i];
            if (o == null) {
                continue;
            }
            PathState p = active.get(i);
            for (int k = 0; k < o.accepted; k++) {
                p.commit(positions[i][o.perm[k]], drafts[i][o.perm[k]]);
            }
            if (o.replacement >= 0) {
                p.commit(positions[i][o.perm[o.accepted]], o.replacement);
            }
        }
    }

    private static void count(List<PathState> paths, int taskCount, int[] taskCalls) {
        boolean[] counted = new boolean[taskCount];
        for (PathState p : paths) {
            if (!counted[p.task]) {
                counted[p.task] = true;
                taskCalls[p.task]++;
            }
        }
    }

    private static int[] permutation(int m, PathState p) {
        int[] perm = new int[m];
        for (int k = 0; k < m; k++) {
            perm[k] = k;
        }
        for (int k = m - 1; k > 0; k--) {
            int j = p.rng.nextInt(k + 1);
            int tmp = perm[k];
            perm[k] = perm[j];
            perm[j] = tmp;
        }
        return perm;
    }

    private static final class Outcome {
        final int[] perm;
        int accepted;
        long replacement = -1;

        Outcome(int[] perm) {
            this.perm = perm;
        }

        int committedCount() {
            return accepted + (replacement >= 0 ? 1 : 0);
        }
    }
}
