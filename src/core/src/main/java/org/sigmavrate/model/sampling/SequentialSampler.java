package org.sigmavrate.model.sampling;

import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.model.density.CategoricalDensity;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SigmaGptSession;

/**
 * The reference sampler: one token per forward call, the next position drawn uniformly among those left (a uniform
 * random order), its token from p(x | everything committed so far). All paths of all tasks share each call.
 */
public final class SequentialSampler extends SamplerSupport {
    public SequentialSampler(SigmaGptSession session, int maxBatch) {
        super(session, maxBatch);
    }

    @Override
    public String name() {
        return "sequential";
    }

    @Override
    public List<SampleResult> sample(List<SampleTask> tasks) {
        List<PathState> paths = start(tasks);
        int[] taskCalls = new int[tasks.size()];
        while (true) {
            List<PathState> active = new ArrayList<>();
            List<ModelSequence> seqs = new ArrayList<>();
            List<Long> next = new ArrayList<>();
            boolean[] counted = new boolean[tasks.size()];
            for (PathState p : paths) {
                if (p.done()) {
                    continue;
                }
                long r = p.remaining[p.rng.nextInt(p.remainingCount)];
                active.add(p);
                next.add(r);
                seqs.add(sequences.next(p.order, p.tokens, p.committed, r));
                if (!counted[p.task]) {
                    counted[p.task] = true;
                    taskCalls[p.task]++;
                }
            }
            if (active.isEmpty()) {
                break;
            }
            forEachBatch(seqs, (i, logits, b) -> {
                PathState p = active.get(i);
                long r = next.get(i);
                double[] probs = blockProbabilities(logits, b, p.committed, r);
                int bin = CategoricalDensity.sampleBin(probs, p.rng.nextDouble());
                p.commit(r, tokenOf(r, bin));
                p.calls++;
                p.steps++;
            });
        }
        return finish(tasks, paths, taskCalls);
    }
}
