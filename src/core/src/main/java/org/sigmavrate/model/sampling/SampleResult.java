package org.sigmavrate.model.sampling;

/**
 * Joint samples of one task.
 *
 * @param tokens       [path][position]: the token of every known and sampled position, -1 elsewhere
 * @param forwardCalls batched forward calls this task took part in
 * @param pathCalls    per path: forward evaluations of that path (draft and verification passes each count one)
 * @param pathSteps    per path: sampling steps (sequential: one per token; burst: one per draft-and-verify round)
 */
public record SampleResult(long[][] tokens, int forwardCalls, int[] pathCalls, int[] pathSteps) {
    public double meanCallsPerPath() {
        return mean(pathCalls);
    }

    public double meanStepsPerPath() {
        return mean(pathSteps);
    }

    private static double mean(int[] values) {
        double s = 0;
        for (int v : values) {
            s += v;
        }
        return values.length == 0 ? 0 : s / values.length;
    }
}
