package org.sigmavrate.model.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.token.Tokenizer;
import org.sigmavrate.model.density.CategoricalDensity;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SigmaGptSession;

/**
 * Left-to-right ancestral sampling, for the left-to-right baseline model (a model of the same interface trained on
 * ascending orders only). The positions of a task (known and unknown together) are walked in ascending order; at a
 * known (observed) position its observed token is forced, at an unknown one the token is drawn from
 * p(x_r | every position before r), known or already sampled. So a path never looks ahead: what it holds at r
 * depends only on the observations at positions up to r and on its own random numbers, which are consumed one per
 * sampled position, in ascending order.
 *
 * <p>The model has no KV cache, so each sampled position costs one full causal forward pass over the positions
 * before it (length r + 1), with every path of every task that samples that position in the same call (chunked at
 * {@code maxBatch}): one call per sampled position, whatever the number of paths and windows.
 *
 * <p>Optionally it returns, per unknown position, the mixture over the K paths of the conditional densities the
 * paths were sampled from, (1/K) Σ_k p(x_r | observed, path k's samples before r): a Monte-Carlo estimate of the
 * marginal p(x_r | observed positions before r) (exact when every position before r is known, where all K
 * conditionals are the same).
 */
public final class LeftToRightSampler extends SamplerSupport {
    /**
     * Samples of one task with, when asked for, the per-position mixture densities ({@code null} where known), and
     * the number of forward calls the whole {@link #sample(List, boolean)} call made (all tasks together).
     */
    public record Result(SampleResult samples, CategoricalDensity[] mixture, int batchForwardCalls) {
        public CategoricalDensity at(int step, Channel channel) {
            return mixture == null ? null : mixture[step * Channel.COUNT + channel.ordinal()];
        }
    }

    private static final class Path {
        final int task;
        final long[] order;
        final long[] tokens;
        final boolean[] sample;
        final SplittableRandom rng;
        int calls;

        Path(int task, long[] order, long[] tokens, boolean[] sample, SplittableRandom rng) {
            this.task = task;
            this.order = order;
            this.tokens = tokens.clone();
            this.sample = sample;
            this.rng = rng;
        }
    }

    public LeftToRightSampler(SigmaGptSession session, int maxBatch) {
        super(session, maxBatch);
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public SigmaGptSession session() {
        return session;
    }

    @Override
    public String name() {
        return "left-to-right";
    }

    @Override
    public List<SampleResult> sample(List<SampleTask> tasks) {
        List<SampleResult> out = new ArrayList<>();
        for (Result r : sample(tasks, false)) {
            out.add(r.samples());
        }
        return out;
    }

    /**
     * Samples every task's unknown positions left to right; with {@code mixture}, also the mixture densities of the
     * unknown positions. The order the task lists its known positions in does not matter here.
     */
    public List<Result> sample(List<SampleTask> tasks, boolean mixture) {
        int positionCount = session.spec().grid().positionCount();
        List<Path> paths = new ArrayList<>();
        int longest = 0;
        double[][][] acc = mixture ? new double[tasks.size()][positionCount][] : null;
        for (int t = 0; t < tasks.size(); t++) {
            SampleTask task = tasks.get(t);
            long[] tokenAt = new long[positionCount];
            Arrays.fill(tokenAt, Long.MIN_VALUE);
            for (int i = 0; i < task.knownOrder().length; i++) {
                tokenAt[position(task.knownOrder()[i], positionCount)] = task.knownTokens()[i];
            }
            for (long u : task.unknown()) {
                int pos = position(u, positionCount);
                if (tokenAt[pos] != Long.MIN_VALUE) {
                    throw new IllegalArgumentException("position " + pos + " is both known and unknown");
                }
                tokenAt[pos] = -1;
            }
            int n = task.knownOrder().length + task.unknown().length;
            long[] order = new long[n];
            long[] tokens = new long[n];
            boolean[] sample = new boolean[n];
            int i = 0;
            for (int pos = 0; pos < positionCount; pos++) {
                if (tokenAt[pos] != Long.MIN_VALUE) {
                    order[i] = pos;
                    tokens[i] = tokenAt[pos];
                    sample[i] = tokenAt[pos] < 0;
                    i++;
                }
            }
            if (i != n) {
                throw new IllegalArgumentException("a known position is listed twice");
            }
            longest = Math.max(longest, n);
            SplittableRandom root = new SplittableRandom(task.seed());
            for (int p = 0; p < task.paths(); p++) {
                paths.add(new Path(t, order, tokens, sample, root.split()));
            }
        }
        int[] taskCalls = new int[tasks.size()];
        int totalCalls = 0;
        for (int i = 0; i < longest; i++) {
            final int index = i;
            List<Path> active = new ArrayList<>();
            List<ModelSequence> seqs = new ArrayList<>();
            for (Path p : paths) {
                if (index < p.order.length && p.sample[index]) {
                    active.add(p);
                    seqs.add(sequences.causal(p.order, p.tokens, index + 1, index));
                }
            }
            if (active.isEmpty()) {
                continue;
            }
            totalCalls += (seqs.size() + maxBatch - 1) / maxBatch;
            int[] lastChunk = new int[tasks.size()];
            Arrays.fill(lastChunk, -1);
            forEachBatch(seqs, (k, logits, b) -> {
                Path p = active.get(k);
                long pos = p.order[index];
                double[] probs = blockProbabilities(logits, b, index, pos);
                int bin = CategoricalDensity.sampleBin(probs, p.rng.nextDouble());
                p.tokens[index] = tokenOf(pos, bin);
                p.calls++;
                int chunk = k / maxBatch;
                if (lastChunk[p.task] != chunk) {
                    lastChunk[p.task] = chunk;
                    taskCalls[p.task]++;
                }
                if (acc != null) {
                    double[] a = acc[p.task][(int) pos];
                    if (a == null) {
                        a = new double[probs.length];
                        acc[p.task][(int) pos] = a;
                    }
                    for (int j = 0; j < probs.length; j++) {
                        a[j] += probs[j];
                    }
                }
            });
        }
        List<Result> out = new ArrayList<>(tasks.size());
        int k = 0;
        for (int t = 0; t < tasks.size(); t++) {
            int n = tasks.get(t).paths();
            long[][] tokens = new long[n][];
            int[] calls = new int[n];
            for (int p = 0; p < n; p++, k++) {
                Path path = paths.get(k);
                tokens[p] = new long[positionCount];
                Arrays.fill(tokens[p], -1);
                for (int i = 0; i < path.order.length; i++) {
                    tokens[p][(int) path.order[i]] = path.tokens[i];
                }
                calls[p] = path.calls;
            }
            CategoricalDensity[] densities = null;
            if (acc != null) {
                densities = new CategoricalDensity[positionCount];
                for (int pos = 0; pos < positionCount; pos++) {
                    double[] a = acc[t][pos];
                    if (a != null) {
                        for (int j = 0; j < a.length; j++) {
                            a[j] /= n;
                        }
                        Channel c = session.spec().grid().channelOf(pos);
                        densities[pos] = new CategoricalDensity(tokenizer.scale(c), a);
                    }
                }
            }
            out.add(new Result(new SampleResult(tokens, taskCalls[t], calls, calls.clone()), densities, totalCalls));
        }
        return out;
    }

    /**
     * The task of a window: every observed (step, channel) known (its observed value's token), every other position
     * of the window's steps unknown; {@code paths} paths seeded with {@code seed}.
     */
    public SampleTask task(ObservedWindow w, int paths, long seed) {
        GridDefinition grid = session.spec().grid();
        if (w.steps() > grid.windowSteps()) {
            throw new IllegalArgumentException("window of " + w.steps() + " steps; the model takes at most "
                    + grid.windowSteps());
        }
        List<Long> known = new ArrayList<>();
        List<Long> knownTokens = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int s = 0; s < w.steps(); s++) {
            for (Channel c : Channel.values()) {
                long pos = grid.position(s, c);
                if (w.observed(s, c)) {
                    known.add(pos);
                    knownTokens.add((long) tokenizer.encode(c, w.value(s, c)));
                } else {
                    unknown.add(pos);
                }
            }
        }
        return new SampleTask(known.stream().mapToLong(Long::longValue).toArray(),
                knownTokens.stream().mapToLong(Long::longValue).toArray(),
                unknown.stream().mapToLong(Long::longValue).toArray(), paths, seed);
    }

    private static int position(long pos, int positionCount) {
        if (pos < 0 || pos >= positionCount) {
            throw new IllegalArgumentException("position " + pos + " outside 0.." + (positionCount - 1));
        }
        return (int) pos;
    }
}
