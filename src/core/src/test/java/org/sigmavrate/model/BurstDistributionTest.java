package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.token.Tokenizer;
import org.sigmavrate.model.onnx.Logits;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.sampling.BurstSampler;
import org.sigmavrate.model.sampling.BurstVariant;
import org.sigmavrate.model.sampling.SampleResult;
import org.sigmavrate.model.sampling.SampleTask;
import org.sigmavrate.model.sampling.Sampler;
import org.sigmavrate.model.sampling.SequentialSampler;
import org.sigmavrate.model.sequence.Sequences;

/**
 * The burst sampler samples the sequential sampler's distribution. On a small window (two unknown rates between
 * known steps) the exact joint distribution of the sequential sampler, the average over both orders of the chained
 * conditionals, is computed from the model by enumeration; each sampler's N seeded joint samples are compared with
 * it by G-tests on both marginals and on the joint, cells with an expected count below 5 pooled. Threshold: the
 * chi-square quantile at 1 - 1e-4 for the test's degrees of freedom (Wilson-Hilferty). A sampler that loses the
 * dependence between the two steps (accepting every draft) must fail the same test.
 */
class BurstDistributionTest {
    private static final int N = 12_000;
    private static final long A = 2 * 11; // rate of step 11
    private static final long B = 2 * 12; // rate of step 12
    private static SigmaGptSession session;
    private static Tokenizer tokenizer;
    private static long[] knownOrder;
    private static long[] knownTokens;
    private static double[][] exact;

    @BeforeAll
    static void exactJoint() {
        session = TinyModel.session();
        tokenizer = session.spec().tokenizer();
        knownOrder = new long[] {2 * 10, 2 * 10 + 1, 2 * 13 + 1};
        knownTokens = new long[] {tokenizer.encode(Channel.VERTICAL_RATE, 2048),
            tokenizer.encode(Channel.ALTITUDE, 6000), tokenizer.encode(Channel.ALTITUDE, 6200)};
        Sequences seq = new Sequences(session.spec());
        int bins = tokenizer.scale(Channel.VERTICAL_RATE).size();
        int first = tokenizer.firstToken(Channel.VERTICAL_RATE);
        int k = knownOrder.length;
        Logits marg = session.forward(List.of(seq.density(knownOrder, knownTokens, k, new long[] {A, B}, 2)));
        double[] pa = marg.blockProbabilities(0, k, first, bins);
        double[] pb = marg.blockProbabilities(0, k + 1, first, bins);
        exact = new double[bins][bins];
        for (int order = 0; order < 2; order++) {
            long firstPos = order == 0 ? A : B;
            long secondPos = order == 0 ? B : A;
            double[] pFirst = order == 0 ? pa : pb;
            List<ModelSequence> batch = new ArrayList<>();
            for (int v = 0; v < bins; v++) {
                long[] o = append(knownOrder, firstPos);
                long[] t = append(knownTokens, first + v);
                batch.add(seq.next(o, t, k + 1, secondPos));
            }
            Logits cond = session.forward(batch);
            for (int v = 0; v < bins; v++) {
                double[] pSecond = cond.blockProbabilities(v, k + 1, first, bins);
                for (int w = 0; w < bins; w++) {
                    double pr = 0.5 * pFirst[v] * pSecond[w];
                    if (order == 0) {
                        exact[v][w] += pr;
                    } else {
                        exact[w][v] += pr;
                    }
                }
            }
        }
    }

    @Test
    void sequentialSamplerMatchesTheExactDistribution() {
        assertPasses(new SequentialSampler(session, 2048), 11);
    }

    @Test
    void exactBurstSamplerMatchesTheExactDistribution() {
        assertPasses(new BurstSampler(session, 2048), 12);
    }

    @Test
    void aSamplerIgnoringTheJointFailsTheTest() {
        double[] g = statistics(new BurstSampler(session, 2048, BurstVariant.ACCEPT_ALL, 1), 13);
        System.out.printf("burst-accept_all: G(joint) = %.1f (threshold %.1f)%n", g[2], g[3]);
        assertTrue(g[2] > g[3], "accepting every draft must fail the joint test: G = " + g[2] + ", threshold " + g[3]);
    }

    @Test
    void reportsTheBiasOfThePapersDiscardVariant() {
        double[] g = statistics(new BurstSampler(session, 2048, BurstVariant.DISCARD_REJECTED, 1), 14);
        System.out.printf("burst-discard_rejected: G(joint) = %.1f (threshold %.1f)%n", g[2], g[3]);
    }

    private static void assertPasses(Sampler sampler, long seed) {
        double[] g = statistics(sampler, seed);
        System.out.printf("%s: G(A) = %.1f / %.1f, G(joint) = %.1f / %.1f, G(B) = %.1f / %.1f%n", sampler.name(),
                g[0], g[1], g[2], g[3], g[4], g[5]);
        assertTrue(g[0] < g[1] && g[2] < g[3] && g[4] < g[5], sampler.name() + ": G(marginal A) = " + g[0]
                + " / " + g[1] + ", G(joint) = " + g[2] + " / " + g[3] + ", G(marginal B) = " + g[4] + " / " + g[5]);
    }

    /** {G of marginal A, threshold, G of joint, threshold, G of marginal B, threshold}. */
    private static double[] statistics(Sampler sampler, long seed) {
        SampleResult r = sampler.sample(List.of(new SampleTask(knownOrder, knownTokens, new long[] {A, B}, N, seed)))
                .get(0);
        System.out.printf("%s: %.3f steps, %.3f forward evaluations per path%n", sampler.name(), r.meanStepsPerPath(),
                r.meanCallsPerPath());
        int bins = exact.length;
        int first = tokenizer.firstToken(Channel.VERTICAL_RATE);
        double[][] counts = new double[bins][bins];
        for (long[] path : r.tokens()) {
            counts[(int) path[(int) A] - first][(int) path[(int) B] - first]++;
        }
        double[] ea = new double[bins];
        double[] eb = new double[bins];
        double[] ca = new double[bins];
        double[] cb = new double[bins];
        List<double[]> jointCells = new ArrayList<>();
        for (int v = 0; v < bins; v++) {
            for (int w = 0; w < bins; w++) {
                ea[v] += exact[v][w];
                eb[w] += exact[v][w];
                ca[v] += counts[v][w];
                cb[w] += counts[v][w];
                jointCells.add(new double[] {counts[v][w], exact[v][w]});
            }
        }
        List<double[]> aCells = new ArrayList<>();
        List<double[]> bCells = new ArrayList<>();
        for (int v = 0; v < bins; v++) {
            aCells.add(new double[] {ca[v], ea[v]});
            bCells.add(new double[] {cb[v], eb[v]});
        }
        double[] ga = gTest(aCells);
        double[] gj = gTest(jointCells);
        double[] gb = gTest(bCells);
        return new double[] {ga[0], ga[1], gj[0], gj[1], gb[0], gb[1]};
    }

    /** {G, threshold}: cells {observed count, exact probability}; cells expecting fewer than 5 are pooled. */
    static double[] gTest(List<double[]> cells) {
        double total = 0;
        for (double[] c : cells) {
            total += c[0];
        }
        double g = 0;
        int df = -1;
        double pooledObserved = 0;
        double pooledExpected = 0;
        for (double[] c : cells) {
            double expected = c[1] * total;
            if (expected < 5) {
                pooledObserved += c[0];
                pooledExpected += expected;
                continue;
            }
            g += c[0] > 0 ? 2 * c[0] * Math.log(c[0] / expected) : 0;
            df++;
        }
        if (pooledExpected > 0) {
            g += pooledObserved > 0 ? 2 * pooledObserved * Math.log(pooledObserved / pooledExpected) : 0;
            df++;
        }
        // G = 2 sum O ln(O/E) is only a chi-square statistic when sum O = sum E, which holds here by construction
        return new double[] {g, chiSquareQuantile(Math.max(df, 1), 3.719)};
    }

    /** Wilson-Hilferty approximation of the chi-square quantile; z = 3.719 is the normal quantile at 1 - 1e-4. */
    static double chiSquareQuantile(int df, double z) {
        double h = 2.0 / (9 * df);
        double c = 1 - h + z * Math.sqrt(h);
        return df * c * c * c;
    }

    private static long[] append(long[] a, long v) {
        long[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }
}
