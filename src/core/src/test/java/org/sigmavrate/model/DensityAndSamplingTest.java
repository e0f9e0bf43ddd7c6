package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.model.density.CategoricalDensity;
import org.sigmavrate.model.onnx.ChannelProbabilities;
import org.sigmavrate.model.onnx.Logits;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.sampling.BurstSampler;
import org.sigmavrate.model.sampling.SampleResult;
import org.sigmavrate.model.sampling.SampleTask;
import org.sigmavrate.model.sequence.Sequences;

class DensityAndSamplingTest {
    private final SigmaGptSession session = TinyModel.session();
    private final Sequences sequences = new Sequences(session.spec());

    @Test
    void densityLayoutIsTheTrainersGoldenDensityCase() throws IOException {
        JsonNode golden = new ObjectMapper().readTree(TinyModel.directory().resolve("golden.json").toFile());
        JsonNode c = null;
        for (JsonNode each : golden.get("cases")) {
            if (each.get("name").asText().equals("density")) {
                c = each;
            }
        }
        for (int row = 0; row < c.get("batch").asInt(); row++) {
            JsonNode qi = c.get("query_index").get(row);
            int k = qi.get(0).asInt();
            int m = 0;
            while (m < qi.size() && qi.get(m).asInt() >= 0) {
                m++;
            }
            long[] order = new long[k];
            long[] tokens = new long[k];
            long[] queries = new long[m];
            for (int i = 0; i < k; i++) {
                order[i] = c.get("pos_out").get(row).get(i).asLong();
                tokens[i] = c.get("tokens").get(row).get(i + 1).asLong();
            }
            for (int j = 0; j < m; j++) {
                queries[j] = c.get("pos_out").get(row).get(k + j).asLong();
            }
            ModelSequence s = sequences.density(order, tokens, k, queries, m);
            for (int i = 0; i < s.length(); i++) {
                assertEquals(c.get("tokens").get(row).get(i).asLong(), s.tokens()[i], "token " + i);
                assertEquals(c.get("pos_in").get(row).get(i).asLong(), s.posIn()[i], "pos_in " + i);
                assertEquals(c.get("pos_out").get(row).get(i).asLong(), s.posOut()[i], "pos_out " + i);
                for (int j = 0; j < s.length(); j++) {
                    assertEquals(c.get("attn_mask").get(row).get(i).get(j).asInt() == 1, s.attends(i, j));
                }
            }
        }
    }

    /** The token of each position: the i-th a rate of {@code rate + 64 i} or an altitude of {@code altitude + step i}. */
    private long[] tokens(long[] order, double rate, double altitude, double step) {
        long[] tokens = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            Channel c = session.spec().grid().channelOf((int) order[i]);
            tokens[i] = session.spec().tokenizer().encode(c, c == Channel.VERTICAL_RATE ? rate + 64 * i : altitude + step * i);
        }
        return tokens;
    }

    @Test
    void densityModeEqualsTheSequentialConditionalOfEveryQuery() {
        long[] order = {20, 21, 40, 41, 3, 90};
        long[] tokens = tokens(order, 960, 5000, 100);
        long[] queries = {0, 22, 23, 24, 61, 127};
        List<ModelSequence> batch = new ArrayList<>();
        batch.add(sequences.density(order, tokens, order.length, queries, queries.length));
        for (long q : queries) {
            batch.add(sequences.next(order, tokens, order.length, q));
        }
        Logits logits = session.forward(batch);
        double worst = 0;
        for (int j = 0; j < queries.length; j++) {
            for (int v = 0; v < session.vocabSize(); v++) {
                worst = Math.max(worst, Math.abs(logits.get(0, order.length + j, v) - logits.get(1 + j, order.length, v)));
            }
        }
        assertTrue(worst <= 1e-4, "density mode differs from the causal conditional by " + worst);
    }

    @Test
    void channelProbabilitiesAreEachChannelsSoftmaxOfTheLogits() {
        long[] order = {20, 21, 40, 41, 3, 90};
        long[] tokens = tokens(order, -1280, 31000, 25);
        long[] queries = {0, 1, 22, 23, 61, 126, 127};
        List<ModelSequence> batch = new ArrayList<>();
        batch.add(sequences.density(order, tokens, order.length, queries, queries.length));
        batch.add(sequences.density(order, tokens, 3, queries, 4));
        Logits logits = session.forward(batch);
        ChannelProbabilities probabilities = session.channelProbabilities(logits);
        double worst = 0;
        int rows = 0;
        for (int b = 0; b < batch.size(); b++) {
            int known = b == 0 ? order.length : 3;
            int asked = b == 0 ? queries.length : 4;
            for (int step = known; step < known + asked; step++) {
                for (Channel c : Channel.values()) {
                    double[] got = probabilities.of(b, step, c);
                    double[] exact = logits.blockProbabilities(b, step, session.spec().tokenizer().firstToken(c),
                            session.spec().tokenizer().scale(c).size());
                    assertEquals(exact.length, got.length);
                    double sum = 0;
                    for (int k = 0; k < got.length; k++) {
                        worst = Math.max(worst, Math.abs(got[k] - exact[k]));
                        sum += got[k];
                    }
                    assertEquals(1, sum, 1e-5, "row " + step + " of " + b + ", " + c);
                    rows++;
                }
            }
        }
        assertEquals(2 * (7 + 4), rows);
        assertTrue(worst < 1e-6, "ONNX Runtime's softmax differs from the double-precision one by " + worst);
    }

    @Test
    void quantilesMeanAndCrpsOfACategoricalDensity() {
        var scale = session.spec().tokenizer().scale(Channel.VERTICAL_RATE);
        double[] p = new double[scale.size()];
        p[scale.bin(0)] = 0.5;
        p[scale.bin(640)] = 0.5;
        CategoricalDensity d = new CategoricalDensity(scale, p);
        assertEquals(320, d.mean(), 1e-9);
        assertEquals(16, d.quantile(0.5), 1e-9); // upper edge of the bin centred on 0 (32 ft/min wide)
        assertEquals(-16 + 32 * 0.5, d.quantile(0.25), 1e-9);
        // CRPS of a two-point distribution: E|X - y| - |a - b| / 4
        assertEquals(0.5 * 100 + 0.5 * 540 - 640 / 4.0, d.crps(100), 1e-9);
        assertEquals(Math.abs(5 - 3), CategoricalDensity.crpsDiscrete(new double[] {3}, new double[] {1}, 5), 1e-12);
    }

    @Test
    void bandQuantilesInOnePassEqualEachQuantileAlone() {
        var random = new java.util.SplittableRandom(5);
        for (Channel c : Channel.values()) {
            var scale = session.spec().tokenizer().scale(c);
            for (int trial = 0; trial < 200; trial++) {
                double[] p = new double[scale.size()];
                int centre = random.nextInt(p.length);
                double width = 0.5 + random.nextDouble() * 20;
                double sum = 0;
                for (int k = 0; k < p.length; k++) {
                    // peaked, with exact zeros and mass on the open outer bins in some trials
                    double z = (k - centre) / width;
                    p[k] = z * z > 40 ? 0 : Math.exp(-z * z / 2);
                    sum += p[k];
                }
                if (trial % 10 == 0) {
                    p[0] += 0.3 * sum;
                    p[p.length - 1] += 0.2 * sum;
                    sum *= 1.5;
                }
                for (int k = 0; k < p.length; k++) {
                    p[k] /= sum;
                }
                var d = new CategoricalDensity(scale, p);
                double[] levels = {0.0, 0.05, 0.25, 0.25, 0.5, 0.75, 0.95, 1.0};
                double[] together = d.quantiles(levels);
                for (int i = 0; i < levels.length; i++) {
                    assertEquals(d.quantile(levels[i]), together[i], 0.0, c + " level " + levels[i]);
                }
                double[] unsorted = {0.95, 0.05, 0.5};
                assertArrayEquals(new double[] {d.quantile(0.95), d.quantile(0.05), d.quantile(0.5)}, d.quantiles(unsorted));
            }
        }
    }

    @Test
    void forecasterAndSamplersAreDeterministicForTheSameSeed() {
        ObservedWindow w = window(42);
        ForecastSettings settings = TinyModel.settings(4, TinyModel.CONSISTENT);
        SigmaGptForecaster f = new SigmaGptForecaster(session, settings);
        WindowForecast a = f.forecast(List.of(w)).get(0);
        WindowForecast b = f.forecast(List.of(w)).get(0);
        assertArrayEquals(a.rate().samples(), b.rate().samples());
        assertArrayEquals(a.altitude().samples(), b.altitude().samples());
        assertArrayEquals(a.rate().estimate(), b.rate().estimate());
        WindowForecast other = f.forecast(List.of(window(43))).get(0);
        assertTrue(!java.util.Arrays.deepEquals(a.rate().samples(), other.rate().samples()), "another seed, other samples");
        for (int s = 0; s < w.steps(); s++) {
            if (w.observed(s, Channel.VERTICAL_RATE)) {
                assertEquals(w.value(s, Channel.VERTICAL_RATE), a.rate().samples()[0][s]);
                assertEquals(w.value(s, Channel.VERTICAL_RATE), a.rate().estimate()[s]);
            } else {
                assertTrue(a.rate().quantiles()[s][0] <= a.rate().quantiles()[s][4]);
            }
        }
        BurstSampler burst = new BurstSampler(session, 64);
        SampleTask task = new SampleTask(new long[] {10, 11}, new long[] {
            session.spec().tokenizer().encode(Channel.VERTICAL_RATE, 1000),
            session.spec().tokenizer().encode(Channel.ALTITUDE, 5000)}, new long[] {12, 13, 14, 15, 16}, 3, 7);
        SampleResult r1 = burst.sample(List.of(task)).get(0);
        SampleResult r2 = burst.sample(List.of(task)).get(0);
        assertArrayEquals(r1.tokens(), r2.tokens());
        for (long[] path : r1.tokens()) {
            for (int pos = 10; pos <= 16; pos++) {
                assertTrue(path[pos] > 0, "every position sampled");
            }
        }
    }

    static ObservedWindow window(long seed) {
        int steps = 64;
        double[] rates = new double[steps];
        double[] alts = new double[steps];
        java.util.Arrays.fill(rates, Double.NaN);
        java.util.Arrays.fill(alts, Double.NaN);
        for (int s = 0; s < steps; s += 9) {
            rates[s] = 1472;
            alts[s] = 3000 + s * 245;
        }
        GriddedFlight g = new GriddedFlight("abc123-x", "test", 0, 10_000, rates, alts, new byte[steps]);
        return new ObservedWindow("abc123", g, 0, seed);
    }
}
