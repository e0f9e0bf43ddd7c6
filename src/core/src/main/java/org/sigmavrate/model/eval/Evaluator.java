package org.sigmavrate.model.eval;

import static org.sigmavrate.model.eval.HiddenStepScoring.scoreConformal;
import static org.sigmavrate.model.eval.HiddenStepScoring.scoreDensity;
import static org.sigmavrate.model.eval.HiddenStepScoring.scorePoint;
import static org.sigmavrate.model.eval.HiddenStepScoring.scoreQuantileFunctions;
import static org.sigmavrate.model.eval.HiddenStepScoring.scoreSamples;
import static org.sigmavrate.model.eval.HiddenStepScoring.scoreShifted;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.domain.token.BinScale;
import org.sigmavrate.domain.token.Tokenizer;
import org.sigmavrate.model.AltitudeConsistentRates;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.WindowDensity;
import org.sigmavrate.model.baseline.ProbabilisticAltitudeDifference;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.sampling.LeftToRightSampler;
import org.sigmavrate.model.sampling.SampleResult;
import org.sigmavrate.model.sampling.SampleTask;

/**
 * Runs the evaluation rows over windows under one protocol. Metrics are on the vertical rate of hidden steps.
 * Rows: σ-GPT densities (median point estimate, exact discrete CRPS, NLL of the true bin, interpolated central
 * intervals; always the raw model, whatever the forecaster's altitude consistency), the same densities made
 * altitude-consistent ({@link AltitudeConsistentRates}) and, with a calibration, with conformal bands as the
 * forecaster publishes them (around its quantiles shifted by {@link SigmaGptForecaster#rateShifts}, so
 * altitude-consistent when its settings say so), σ-GPT sample median over K joint samples (empirical CRPS and quantiles), when a left-to-right baseline
 * model is given its sample median over K left-to-right samples (observed steps forced) and, for {@code forecast}
 * only, its density row (the mixture over the K sampled prefixes of the conditionals the samples were drawn from,
 * see {@link LeftToRightSampler}), with a calibration the probabilistic altitude-difference baseline, and point
 * baselines (CRPS equals the absolute error; no interval). How each row scores a step: {@link HiddenStepScoring}.
 */
public final class Evaluator {
    public static final String DENSITY_ROW = "sigma-gpt density";
    public static final String CONSISTENT_ROW = "sigma-gpt altitude-consistent";
    public static final String CONFORMAL_ROW = "sigma-gpt density (conformal)";
    private final SigmaGptForecaster model;
    private final int samples;
    private final List<WindowForecaster> baselines;
    private final long seed;
    private final int batchWindows;
    private int sampleWindows = Integer.MAX_VALUE;
    private AltitudeConsistentRates consistent;
    private ProbabilisticAltitudeDifference probabilistic;
    private CalibratedBands conformal;
    private final BinScale rateBins = SpecLoader.bundled().tokenizer().scale(Channel.VERTICAL_RATE);
    private LeftToRightSampler leftToRight;
    private String leftToRightId;
    private static final long L2R_SALT = 0x2545F4914F6CDD1DL;

    /** Draw joint samples only for the first {@code n} windows (sampling costs far more than densities). */
    public Evaluator sampleWindows(int n) {
        this.sampleWindows = n <= 0 ? Integer.MAX_VALUE : n;
        return this;
    }

    /** Adds the altitude-consistent row: the density row shifted to agree with the observed altitudes. */
    public Evaluator altitudeConsistent(AltitudeConsistentRates rates) {
        this.consistent = rates;
        return this;
    }

    /**
     * Adds the rows a calibration file gives: the probabilistic altitude-difference baseline (from its residual
     * quantiles) and, when it has band corrections and there is a model, the σ-GPT density with conformal bands.
     */
    public Evaluator calibration(Calibration calibration) {
        this.probabilistic = calibration == null ? null : new ProbabilisticAltitudeDifference(calibration.residuals());
        this.conformal = calibration == null || calibration.conformal() == null ? null
                : new CalibratedBands(calibration.conformal(), HiddenStepScoring.BAND_LEVELS);
        return this;
    }

    /**
     * Adds the left-to-right baseline model's rows (K = the σ-GPT's sample count, same sample windows); none when
     * {@code sampler} is null or K is 0.
     */
    public Evaluator leftToRight(LeftToRightSampler sampler, String modelId) {
        this.leftToRight = sampler;
        this.leftToRightId = modelId;
        return this;
    }

    public Evaluator(SigmaGptForecaster model, int samples, List<WindowForecaster> baselines, long seed, int batchWindows) {
        this.model = model;
        this.samples = samples;
        this.baselines = baselines;
        this.seed = seed;
        this.batchWindows = Math.max(1, batchWindows);
    }

    /** Result of one protocol: metrics per row, plus sampler effort. */
    public record ProtocolResult(Protocol protocol, Map<String, Metrics> rows, double stepsPerSample,
            double callsPerSample, double seconds, LeftToRightEffort leftToRight) {
    }

    /**
     * What the left-to-right rows cost on one protocol.
     *
     * @param modelId           the baseline model
     * @param windows           windows sampled
     * @param forwardCalls      batched forward calls (one per sampled position per batch of windows and chunk)
     * @param positionsPerPath  sampled positions per path (= forward evaluations per path)
     * @param seconds           wall time of the left-to-right sampling
     */
    public record LeftToRightEffort(String modelId, long windows, long forwardCalls, double positionsPerPath,
            double seconds) {
    }

    /**
     * The σ-GPT rows with a point and a distribution of their own (compared with the baselines in
     * {@link BaselineComparisons} when they scored every window); the conformal row has the density row's median and
     * no CRPS, so only its coverage is of interest.
     */
    public List<String> modelRows() {
        List<String> rows = new ArrayList<>();
        if (model != null) {
            rows.add(DENSITY_ROW);
            if (consistent != null) {
                rows.add(CONSISTENT_ROW);
            }
            if (samples > 0) {
                rows.add(sampleRow());
            }
        }
        return rows;
    }

    /** The probabilistic baseline's row, null when there is none. */
    public String probabilisticBaselineRow() {
        return probabilistic == null ? null : ProbabilisticAltitudeDifference.ID;
    }

    public List<String> pointBaselineRows() {
        return baselines.stream().map(WindowForecaster::modelId).toList();
    }

    public String sampleRow() {
        return "sigma-gpt sample median (K=" + samples + ")";
    }

    public String leftToRightSampleRow() {
        return "l2r-baseline sample median (K=" + samples + ")";
    }

    public String leftToRightDensityRow() {
        return "l2r-baseline density (K=" + samples + " mixture)";
    }

    private boolean leftToRightActive() {
        return leftToRight != null && samples > 0;
    }

    public ProtocolResult run(Protocol protocol, List<EvalWindow> windows, PrintStream progress) {
        long started = System.nanoTime();
        Map<String, Metrics> rows = new LinkedHashMap<>();
        if (model != null) {
            rows.put(DENSITY_ROW, new Metrics(rateBins));
            if (consistent != null) {
                rows.put(CONSISTENT_ROW, new Metrics(rateBins));
            }
            if (conformal != null) {
                rows.put(CONFORMAL_ROW, new Metrics(rateBins));
            }
            if (samples > 0) {
                rows.put(sampleRow(), new Metrics(rateBins));
            }
        }
        boolean l2r = leftToRightActive();
        boolean l2rDensity = l2r && protocol == Protocol.FORECAST;
        if (l2rDensity) {
            rows.put(leftToRightDensityRow(), new Metrics(rateBins));
        }
        if (l2r) {
            rows.put(leftToRightSampleRow(), new Metrics(rateBins));
        }
        if (probabilistic != null) {
            rows.put(ProbabilisticAltitudeDifference.ID, new Metrics(rateBins));
        }
        for (WindowForecaster b : baselines) {
            rows.put(b.modelId(), new Metrics(rateBins));
        }
        long l2rWindows = 0;
        long l2rCalls = 0;
        double l2rPositions = 0;
        long l2rNanos = 0;
        long lastPrint = started;
        double stepSum = 0;
        double callSum = 0;
        long sampled = 0;
        for (int from = 0; from < windows.size(); from += batchWindows) {
            List<EvalWindow> batch = windows.subList(from, Math.min(windows.size(), from + batchWindows));
            Shown shown = Shown.of(seed, protocol, batch);
            List<ObservedWindow> observed = shown.observed();
            List<boolean[]> hidden = shown.hidden();
            if (model != null) {
                List<WindowDensity> densities = model.densities(observed);
                List<SampleResult> paths = null;
                if (samples > 0 && from < sampleWindows) {
                    List<SampleTask> tasks = new ArrayList<>();
                    for (WindowDensity d : densities) {
                        tasks.add(model.sampleTask(d, samples));
                    }
                    paths = model.sampler().sample(tasks);
                }
                Tokenizer tok = model.session().spec().tokenizer();
                for (int i = 0; i < batch.size(); i++) {
                    scoreDensity(rows.get(DENSITY_ROW), batch.get(i), hidden.get(i), densities.get(i)::at);
                    if (consistent != null) {
                        scoreShifted(rows.get(CONSISTENT_ROW), batch.get(i), hidden.get(i), densities.get(i)::at,
                                consistent.shifts(densities.get(i)));
                    }
                    if (conformal != null) {
                        scoreConformal(rows.get(CONFORMAL_ROW), batch.get(i), observed.get(i), densities.get(i)::at,
                                model.rateShifts(densities.get(i)), conformal);
                    }
                    if (paths != null) {
                        scoreSamples(rows.get(sampleRow()), tok, batch.get(i), hidden.get(i), paths.get(i));
                        stepSum += paths.get(i).meanStepsPerPath();
                        callSum += paths.get(i).meanCallsPerPath();
                        sampled++;
                    }
                }
            }
            if (l2r && from < sampleWindows) {
                long t0 = System.nanoTime();
                List<SampleTask> tasks = new ArrayList<>();
                for (int i = 0; i < batch.size(); i++) {
                    tasks.add(leftToRight.task(observed.get(i), samples, windowSeed(protocol, batch.get(i)) ^ L2R_SALT));
                }
                List<LeftToRightSampler.Result> drawn = leftToRight.sample(tasks, l2rDensity);
                l2rNanos += System.nanoTime() - t0;
                Tokenizer tok = leftToRight.tokenizer();
                for (int i = 0; i < batch.size(); i++) {
                    LeftToRightSampler.Result r = drawn.get(i);
                    if (l2rDensity) {
                        scoreDensity(rows.get(leftToRightDensityRow()), batch.get(i), hidden.get(i), r::at);
                    }
                    scoreSamples(rows.get(leftToRightSampleRow()), tok, batch.get(i), hidden.get(i), r.samples());
                    l2rWindows++;
                    l2rPositions += r.samples().meanCallsPerPath();
                }
                l2rCalls += drawn.isEmpty() ? 0 : drawn.get(0).batchForwardCalls();
            }
            if (probabilistic != null) {
                for (int i = 0; i < batch.size(); i++) {
                    scoreQuantileFunctions(rows.get(ProbabilisticAltitudeDifference.ID), batch.get(i), hidden.get(i),
                            probabilistic.points(observed.get(i)), probabilistic.distributions(observed.get(i)));
                }
            }
            for (WindowForecaster b : baselines) {
                List<WindowForecast> f = b.forecast(observed);
                for (int i = 0; i < batch.size(); i++) {
                    scorePoint(rows.get(b.modelId()), batch.get(i), hidden.get(i), f.get(i));
                }
            }
            long now = System.nanoTime();
            boolean last = from + batchWindows >= windows.size();
            if (progress != null && (now - lastPrint > 10_000_000_000L || last)) {
                lastPrint = now;
                progress.printf("%s: %d/%d windows (%.0f s)%n", protocol.label(),
                        Math.min(windows.size(), from + batchWindows), windows.size(), (now - started) / 1e9);
            }
        }
        LeftToRightEffort effort = l2r ? new LeftToRightEffort(leftToRightId, l2rWindows, l2rCalls,
                l2rWindows == 0 ? Double.NaN : l2rPositions / l2rWindows, l2rNanos / 1e9) : null;
        return new ProtocolResult(protocol, rows, sampled == 0 ? Double.NaN : stepSum / sampled,
                sampled == 0 ? Double.NaN : callSum / sampled, (System.nanoTime() - started) / 1e9, effort);
    }

    long windowSeed(Protocol protocol, EvalWindow w) {
        return windowSeed(seed, protocol, w);
    }

    /** The seed of a window's random choices under a protocol (observed steps, order of the known positions). */
    static long windowSeed(long seed, Protocol protocol, EvalWindow w) {
        long h = seed * 0x9E3779B97F4A7C15L + w.index() * 0xBF58476D1CE4E5B9L + protocol.ordinal() * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return h;
    }

    /** A batch of windows as shown under a protocol: what the forecasters see, and which steps are hidden. */
    record Shown(List<ObservedWindow> observed, List<boolean[]> hidden) {
        static Shown of(long seed, Protocol protocol, List<EvalWindow> batch) {
            List<ObservedWindow> observed = new ArrayList<>();
            List<boolean[]> hidden = new ArrayList<>();
            for (EvalWindow w : batch) {
                long windowSeed = windowSeed(seed, protocol, w);
                boolean[] obs = protocol.observedSteps(w.truth().steps(), windowSeed);
                observed.add(observe(w, obs, windowSeed));
                boolean[] h = new boolean[obs.length];
                for (int s = 0; s < obs.length; s++) {
                    h[s] = !obs[s];
                }
                hidden.add(h);
            }
            return new Shown(observed, hidden);
        }
    }

    /** {@link #observe} for the bench command. */
    public static ObservedWindow observeForBench(EvalWindow w, boolean[] observed, long seed) {
        return observe(w, observed, seed);
    }

    /** The window as the forecasters see it: observed steps keep both channels, hidden steps lose both. */
    static ObservedWindow observe(EvalWindow w, boolean[] observed, long seed) {
        GriddedFlight t = w.truth();
        int n = t.steps();
        double[] rates = new double[n];
        double[] alts = new double[n];
        byte[] flags = new byte[n];
        long last = t.startMillis();
        for (int s = 0; s < n; s++) {
            rates[s] = observed[s] ? t.value(s, Channel.VERTICAL_RATE) : Double.NaN;
            alts[s] = observed[s] ? t.value(s, Channel.ALTITUDE) : Double.NaN;
            flags[s] = observed[s] ? t.rateFlags(s) : 0;
            if (observed[s]) {
                last = t.timeOf(s);
            }
        }
        String icao = t.flightId().length() >= 6 ? t.flightId().substring(0, 6) : t.flightId();
        return new ObservedWindow(icao, new GriddedFlight(t.flightId(), t.dataSource(), t.startMillis(), t.stepMillis(),
                rates, alts, flags), last, seed);
    }

    /** Linear interpolation between order statistics (type 7) of sorted values. */
    public static double empiricalQuantile(double[] sorted, double level) {
        double h = (sorted.length - 1) * level;
        int lo = (int) Math.floor(h);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
