package org.sigmavrate.model.sampling;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.token.Tokenizer;
import org.sigmavrate.model.onnx.Logits;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.sequence.Sequences;

/** What both samplers share: paths, chunked batched forward calls, block distributions. */
abstract class SamplerSupport implements Sampler {
    protected final SigmaGptSession session;
    protected final Sequences sequences;
    protected final Tokenizer tokenizer;
    protected final int maxBatch;

    SamplerSupport(SigmaGptSession session, int maxBatch) {
        this.session = session;
        this.sequences = new Sequences(session.spec());
        this.tokenizer = session.spec().tokenizer();
        this.maxBatch = Math.max(1, maxBatch);
    }

    protected List<PathState> start(List<SampleTask> tasks) {
        List<PathState> paths = new ArrayList<>();
        for (int t = 0; t < tasks.size(); t++) {
            SplittableRandom root = new SplittableRandom(tasks.get(t).seed());
            for (int p = 0; p < tasks.get(t).paths(); p++) {
                paths.add(new PathState(t, tasks.get(t), root.split()));
            }
        }
        return paths;
    }

    protected List<SampleResult> finish(List<SampleTask> tasks, List<PathState> paths, int[] taskCalls) {
        int positions = session.spec().grid().positionCount();
        List<SampleResult> out = new ArrayList<>();
        int k = 0;
        for (int t = 0; t < tasks.size(); t++) {
            int n = tasks.get(t).paths();
            long[][] tokens = new long[n][];
            int[] calls = new int[n];
            int[] steps = new int[n];
            for (int p = 0; p < n; p++, k++) {
                tokens[p] = paths.get(k).result(positions);
                calls[p] = paths.get(k).calls;
                steps[p] = paths.get(k).steps;
            }
            out.add(new SampleResult(tokens, taskCalls[t], calls, steps));
        }
        return out;
    }

    /** Runs {@code seqs} in batches of at most {@code maxBatch}, handing each batch's logits to {@code consumer}. */
    protected void forEachBatch(List<ModelSequence> seqs, BatchConsumer consumer) {
        for (int from = 0; from < seqs.size(); from += maxBatch) {
            int to = Math.min(seqs.size(), from + maxBatch);
            Logits logits = session.forward(seqs.subList(from, to));
            for (int i = from; i < to; i++) {
                consumer.accept(i, logits, i - from);
            }
        }
    }

    /** Distribution over the bins of the channel of {@code position} at row {@code (b, row)}. */
    protected double[] blockProbabilities(Logits logits, int b, int row, long position) {
        Channel c = session.spec().grid().channelOf((int) position);
        return logits.blockProbabilities(b, row, tokenizer.firstToken(c), tokenizer.scale(c).size());
    }

    protected long tokenOf(long position, int bin) {
        return tokenizer.firstToken(session.spec().grid().channelOf((int) position)) + bin;
    }

    protected int binOf(long position, long token) {
        return (int) (token - tokenizer.firstToken(session.spec().grid().channelOf((int) position)));
    }

    @FunctionalInterface
    interface BatchConsumer {
        void accept(int index, Logits logits, int b);
    }
}
