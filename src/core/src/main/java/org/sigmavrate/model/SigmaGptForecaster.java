package org.sigmavrate.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.token.Tokenizer;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.ObservationBuckets;
import org.sigmavrate.model.density.CategoricalDensity;
import org.sigmavrate.model.onnx.ChannelProbabilities;
import org.sigmavrate.model.onnx.ModelSequence;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.model.sampling.BurstSampler;
import org.sigmavrate.model.sampling.SampleResult;
import org.sigmavrate.model.sampling.SampleTask;
import org.sigmavrate.model.sampling.Sampler;
import org.sigmavrate.model.sampling.SequentialSampler;
import org.sigmavrate.model.sequence.Sequences;

/**
 * The σ-GPT as a {@link WindowForecaster}: per window, the conditional density of every unknown (step, channel)
 * given all observed ones in one density-mode pass (all windows of a call batched together), bands and point
 * estimates from it, and K joint sample paths of both channels from the burst sampler. Observed values are kept
 * as observed. Known positions are fed in a random order drawn from the window's seed; with
 * {@link ForecastSettings#maxKnown()} set, a dense window is conditioned on its observed positions nearest to the
 * ones asked about ({@link ContextSelector}). With {@link ForecastSettings#altitudeConsistency()} on, the vertical
 * rate's estimate, mean and quantiles are translated per hidden step so that each span between two known altitudes
 * agrees with the altitude change ({@link AltitudeConsistentRates}; the densities and the sample paths stay as
 * drawn). With {@link CalibratedBands}, the published rate quantiles (shifted, when consistency is on) are then
 * corrected per bucket of each hidden step (the median, the altitude, the densities and the samples are not).
 */
public final class SigmaGptForecaster implements WindowForecaster {
    private static final long ORDER_SALT = 0x5DEECE66DL;
    private static final long SAMPLE_SALT = 0x9E3779B97F4A7C15L;

    private final SigmaGptSession session;
    private final ForecastSettings settings;
    private final Spec spec;
    private final GridDefinition grid;
    private final Tokenizer tokenizer;
    private final Sequences sequences;
    private final Sampler sampler;
    private final ContextSelector context;
    private final boolean ownsSession;
    private final CalibratedBands calibratedBands;
    /** null when altitude consistency is off */
    private final AltitudeConsistentRates consistentRates;

    public SigmaGptForecaster(SigmaGptSession session, ForecastSettings settings) {
        this(session, settings, false);
    }

    public SigmaGptForecaster(SigmaGptSession session, ForecastSettings settings, boolean ownsSession) {
        this(session, settings, ownsSession, null);
    }

    /**
     * @param calibratedBands corrections of the published rate quantiles, at {@code settings}' levels; null: the
     *                        raw model quantiles
     */
    public SigmaGptForecaster(SigmaGptSession session, ForecastSettings settings, boolean ownsSession,
            CalibratedBands calibratedBands) {
        if (calibratedBands != null && !Arrays.equals(calibratedBands.levels(), settings.quantileLevels())) {
            throw new IllegalArgumentException("calibrated bands for levels " + Arrays.toString(calibratedBands.levels())
                    + ", the forecaster publishes " + Arrays.toString(settings.quantileLevels()));
        }
        this.calibratedBands = calibratedBands;
        this.session = session;
        this.settings = settings;
        this.spec = session.spec();
        this.grid = spec.grid();
        this.tokenizer = spec.tokenizer();
        this.sequences = new Sequences(spec);
        this.sampler = settings.sampler() == ForecastSettings.SamplerKind.SEQUENTIAL
                ? new SequentialSampler(session, settings.maxBatch())
                : new BurstSampler(session, settings.maxBatch(), settings.burstVariant(), 1);
        this.context = new ContextSelector(grid, settings.maxKnown(), settings.maxKnownSpan());
        this.ownsSession = ownsSession;
        this.consistentRates = settings.altitudeConsistency().enabled() ? settings.altitudeConsistency().rates() : null;
    }

    public SigmaGptSession session() {
        return session;
    }

    public ForecastSettings settings() {
        return settings;
    }

    public Sampler sampler() {
        return sampler;
    }

    /** The corrections of the published rate quantiles; null when they are the raw model quantiles. */
    public CalibratedBands calibratedBands() {
        return calibratedBands;
    }

    /**
     * Per step of a window, the translation (ft/min) of its published rate estimate, mean and quantiles: the
     * altitude-consistent shift of each hidden step in a span when {@link ForecastSettings#altitudeConsistency()} is
     * on, 0 elsewhere and when it is off. {@code calibrate} fits and {@code evaluate}'s conformal row scores the band
     * corrections on the densities' quantiles moved by these, as they are published.
     */
    public double[] rateShifts(WindowDensity d) {
        return consistentRates == null ? new double[d.request().steps()] : consistentRates.shifts(d);
    }

    /** The sampling task of a window: its known positions and tokens in the order the densities use. */
    public SampleTask sampleTask(WindowDensity d, int paths) {
        return new SampleTask(d.knownOrder(), d.knownTokens(), d.unknown(), paths, d.request().seed() ^ SAMPLE_SALT);
    }

    /** Conditional densities of every unknown position of each window, all windows batched. */
    public List<WindowDensity> densities(List<ObservedWindow> windows) {
        List<WindowDensity> out = new ArrayList<>(windows.size());
        List<ModelSequence> seqs = new ArrayList<>();
        List<Integer> owners = new ArrayList<>();
        for (int w = 0; w < windows.size(); w++) {
            WindowDensity d = prepare(windows.get(w));
            out.add(d);
            if (d.unknown().length > 0) {
                seqs.add(sequences.density(d.knownOrder(), d.knownTokens(), d.knownOrder().length, d.unknown(),
                        d.unknown().length));
                owners.add(w);
            }
        }
        // a call pads its sequences to the longest (and its output rows to the most asked): batching sequences of
        // similar shape together wastes less of each call; the order is a pure function of the windows
        Integer[] bySize = new Integer[seqs.size()];
        for (int i = 0; i < bySize.length; i++) {
            bySize[i] = i;
        }
        Arrays.sort(bySize, (x, y) -> {
            int byLength = Integer.compare(seqs.get(x).length(), seqs.get(y).length());
            return byLength != 0 ? byLength : Integer.compare(seqs.get(x).outputSteps(), seqs.get(y).outputSteps());
        });
        List<ModelSequence> sorted = new ArrayList<>(seqs.size());
        for (Integer i : bySize) {
            sorted.add(seqs.get(i));
        }
        for (int from = 0; from < sorted.size(); from += settings.maxBatch()) {
            int to = Math.min(sorted.size(), from + settings.maxBatch());
            ChannelProbabilities probabilities =
                    session.channelProbabilities(session.forward(sorted.subList(from, to)));
            for (int i = from; i < to; i++) {
                WindowDensity d = out.get(owners.get(bySize[i]));
                int k = d.knownOrder().length;
                for (int j = 0; j < d.unknown().length; j++) {
                    int pos = (int) d.unknown()[j];
                    Channel c = grid.channelOf(pos);
                    double[] p = probabilities.of(i - from, k + j, c);
                    d.byPosition()[pos] = new CategoricalDensity(tokenizer.scale(c), p);
                }
            }
        }
        return out;
    }

    private WindowDensity prepare(ObservedWindow w) {
        int steps = w.steps();
        if (steps > grid.windowSteps()) {
            throw new IllegalArgumentException("window of " + steps + " steps; the model takes at most "
                    + grid.windowSteps());
        }
        List<Long> known = new ArrayList<>();
        List<Long> unknown = new ArrayList<>();
        for (int s = 0; s < steps; s++) {
            for (Channel c : Channel.values()) {
                (w.observed(s, c) ? known : unknown).add((long) grid.position(s, c));
            }
        }
        long[] unknownPositions = unknown.stream().mapToLong(Long::longValue).toArray();
        long[] order = context.select(known.stream().mapToLong(Long::longValue).toArray(), unknownPositions);
        SplittableRandom rng = new SplittableRandom(w.seed() ^ ORDER_SALT);
        for (int i = order.length - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        long[] tokens = new long[order.length];
        for (int i = 0; i < order.length; i++) {
            int pos = (int) order[i];
            Channel c = grid.channelOf(pos);
            tokens[i] = tokenizer.encode(c, w.value(grid.stepOf(pos), c));
        }
        return new WindowDensity(w, order, tokens, unknownPositions, new CategoricalDensity[grid.positionCount()]);
    }

    @Override
    public List<WindowForecast> forecast(List<ObservedWindow> windows) {
        List<WindowDensity> densities = densities(windows);
        List<SampleResult> samples = null;
        if (settings.samples() > 0) {
            List<SampleTask> tasks = new ArrayList<>();
            for (WindowDensity d : densities) {
                tasks.add(sampleTask(d, settings.samples()));
            }
            samples = sampler.sample(tasks);
        }
        List<WindowForecast> out = new ArrayList<>(windows.size());
        for (int w = 0; w < windows.size(); w++) {
            WindowDensity d = densities.get(w);
            SampleResult s = samples == null ? null : samples.get(w);
            int calls = (d.unknown().length > 0 ? 1 : 0) + (s == null ? 0 : s.forwardCalls());
            out.add(new WindowForecast(windows.get(w), modelId(), specSha256(), settings.quantileLevels(),
                    channel(d, s, Channel.VERTICAL_RATE, consistentRates == null ? null : rateShifts(d)),
                    channel(d, s, Channel.ALTITUDE, null), calls));
        }
        return out;
    }

    /** @param shift per step, the translation of the estimate, mean and quantiles; null: none */
    private ChannelForecast channel(WindowDensity d, SampleResult s, Channel c, double[] shift) {
        ObservedWindow w = d.request();
        int steps = w.steps();
        double[] levels = settings.quantileLevels();
        boolean[] observed = new boolean[steps];
        double[] values = new double[steps];
        double[] estimate = new double[steps];
        double[] mean = new double[steps];
        double[][] quantiles = new double[steps][];
        int[] buckets = calibratedBands != null && c == Channel.VERTICAL_RATE ? ObservationBuckets.of(w) : null;
        int paths = s == null ? 0 : s.tokens().length;
        double[][] samples = new double[paths][steps];
        for (int step = 0; step < steps; step++) {
            observed[step] = w.observed(step, c);
            values[step] = w.value(step, c);
            if (observed[step]) {
                estimate[step] = values[step];
                mean[step] = values[step];
                quantiles[step] = new double[levels.length];
                Arrays.fill(quantiles[step], values[step]);
                for (int p = 0; p < paths; p++) {
                    samples[p][step] = values[step];
                }
                continue;
            }
            CategoricalDensity density = d.at(step, c);
            estimate[step] = density.median();
            mean[step] = density.mean();
            quantiles[step] = density.quantiles(levels);
            if (shift != null) {
                // before the calibrated correction, which was fitted around the shifted quantiles
                estimate[step] += shift[step];
                mean[step] += shift[step];
                for (int q = 0; q < quantiles[step].length; q++) {
                    quantiles[step][q] += shift[step];
                }
            }
            if (buckets != null) {
                quantiles[step] = calibratedBands.correct(buckets[step], quantiles[step]);
            }
            for (int p = 0; p < paths; p++) {
                samples[p][step] = tokenizer.decode((int) s.tokens()[p][grid.position(step, c)]);
            }
        }
        return new ChannelForecast(observed, values, estimate, mean, quantiles, samples);
    }

    @Override
    public String modelId() {
        return session.modelId();
    }

    @Override
    public String specSha256() {
        return session.specSha256();
    }

    @Override
    public void close() {
        if (ownsSession) {
            session.close();
        }
    }
}
