package org.sigmavrate.model.calibration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.model.AltitudeConsistency;

/**
 * The one place where a {@link ConformalBands} fit moves published quantiles: the service's density bands, the
 * {@code infill} output and {@code evaluate}'s conformal row all go through {@link #correct}.
 *
 * <p>Every published level τ ≠ 0.5 is an end of the central interval of probability |1 − 2τ| (0.05 and 0.95 of the
 * 90% one, 0.25 and 0.75 of the 50% one); its value moves outward by that interval's correction c for the step's
 * bucket (τ &lt; 0.5: q − c, τ &gt; 0.5: q + c). The median is untouched. A level whose central probability the
 * calibration did not fit is published raw: corrections are not interpolated between fitted probabilities, because a
 * conformal correction holds only for the probability it was fitted for ({@code calibrate --quantiles} fits the
 * levels a configuration publishes). Quantiles stay monotone: working outward from the median, each lower end is
 * at most the value inside it and each upper end at least, so a narrowing correction stops at the median, and an
 * outer end never crosses a corrected inner one.
 */
public final class CalibratedBands {
    private final ConformalBands fit;
    private final double[] levels;
    /** per level: index of its central probability in the fit; -1 for the median and for unfitted ones */
    private final int[] fitted;
    private final int median;

    public CalibratedBands(ConformalBands fit, double[] levels) {
        this.fit = fit;
        this.levels = levels.clone();
        this.fitted = new int[levels.length];
        int m = -1;
        for (int i = 0; i < levels.length; i++) {
            if (i > 0 && !(levels[i] > levels[i - 1])) {
                throw new IllegalArgumentException("quantile levels must be ascending: " + Arrays.toString(levels));
            }
            double coverage = ConformalBands.coverageOf(levels[i]);
            fitted[i] = coverage == 0 ? -1 : fit.indexOf(coverage);
            m = coverage == 0 ? i : m;
        }
        this.median = m;
    }

    public ConformalBands fit() {
        return fit;
    }

    public double[] levels() {
        return levels.clone();
    }

    /** The central probabilities of the published levels that are corrected. */
    public double[] corrected() {
        return coverages(true);
    }

    /** The central probabilities of the published levels that stay raw (not fitted). */
    public double[] uncorrected() {
        return coverages(false);
    }

    private double[] coverages(boolean withFit) {
        return java.util.stream.IntStream.range(0, levels.length)
                .filter(i -> ConformalBands.coverageOf(levels[i]) > 0 && (fitted[i] >= 0) == withFit)
                .mapToDouble(i -> ConformalBands.coverageOf(levels[i])).distinct().sorted().toArray();
    }

    /**
     * The quantiles {@code q} (at this object's levels) of a hidden step of {@code bucket}, corrected; a copy of them
     * for an observed step ({@code bucket} &lt; 0).
     */
    public double[] correct(int bucket, double[] q) {
        if (q.length != levels.length) {
            throw new IllegalArgumentException(q.length + " quantiles for " + levels.length + " levels");
        }
        double[] out = q.clone();
        if (bucket < 0) {
            return out;
        }
        int firstUpper = 0;
        while (firstUpper < levels.length && levels[firstUpper] <= 0.5) {
            firstUpper++;
        }
        int lastLower = median >= 0 ? median - 1 : firstUpper - 1;
        double centre = median >= 0 ? q[median]
                : lastLower >= 0 && firstUpper < levels.length ? (q[lastLower] + q[firstUpper]) / 2 : Double.NaN;
        double bound = Double.isNaN(centre) ? Double.POSITIVE_INFINITY : centre;
        for (int i = lastLower; i >= 0; i--) {
            out[i] = Math.min(q[i] - widen(i, bucket), bound);
            bound = out[i];
        }
        bound = Double.isNaN(centre) ? Double.NEGATIVE_INFINITY : centre;
        for (int i = firstUpper; i < levels.length; i++) {
            out[i] = Math.max(q[i] + widen(i, bucket), bound);
            bound = out[i];
        }
        return out;
    }

    /** Every step's quantiles of a window, each corrected for its bucket ({@link ObservationBuckets#of(ObservedWindow)}). */
    public double[][] correct(ObservedWindow window, double[][] q) {
        int[] buckets = ObservationBuckets.of(window);
        double[][] out = new double[q.length][];
        for (int s = 0; s < q.length; s++) {
            out[s] = correct(buckets[s], q[s]);
        }
        return out;
    }

    private double widen(int level, int bucket) {
        return fitted[level] < 0 ? 0 : fit.widen(fitted[level], bucket);
    }

    /**
     * One central interval [lo, hi] around {@code centre} (the median) corrected by c: [lo − c, hi + c], each end
     * stopping at the centre. {@link #correct} does this to every pair of published levels; the randomized fit
     * ({@link ConformalBands#randomizedConformalQuantile}) scores exactly these intervals.
     */
    public static double[] interval(double lo, double centre, double hi, double c) {
        return new double[] {Math.min(lo - c, centre), Math.max(hi + c, centre)};
    }

    /**
     * What a command or the service publishes for a model: calibrated bands from {@code file} when {@code enabled},
     * the file exists and holds band corrections fitted for {@code modelId}; otherwise raw quantiles (null bands).
     *
     * @param bands       null: publish the raw model quantiles
     * @param description one line for the start-up log: which calibration, what it corrects, or why none
     */
    public record Choice(CalibratedBands bands, String description) {
    }

    /**
     * @param consistency the altitude consistency the forecaster publishes with: a file fitted with another one is
     *                    used with a warning (its corrections were fitted around other quantiles)
     * @throws IOException when the file exists and cannot be read as a calibration
     */
    public static Choice forModel(boolean enabled, Path file, String modelId, int maxKnown, double[] levels,
            AltitudeConsistency consistency) throws IOException {
        if (!enabled) {
            return new Choice(null, "raw model quantiles (calibrated bands turned off)");
        }
        if (file == null || !Files.isRegularFile(file)) {
            return new Choice(null, "raw model quantiles: no calibration file " + file);
        }
        Calibration c = Calibration.read(file);
        if (c.conformal() == null) {
            return new Choice(null, "raw model quantiles: " + file + " has no band corrections");
        }
        if (!modelId.equals(c.modelId())) {
            return new Choice(null, "raw model quantiles: the band corrections of " + file + " were fitted for model "
                    + c.modelId() + ", not " + modelId);
        }
        CalibratedBands bands = new CalibratedBands(c.conformal(), levels);
        if (bands.corrected().length == 0) {
            return new Choice(null, "raw model quantiles: " + file + " fits central intervals "
                    + percents(c.conformal().coverages()) + ", none of the published levels " + Arrays.toString(levels));
        }
        List<String> parts = new ArrayList<>();
        parts.add("calibrated bands from " + file + " (model " + c.modelId() + ", " + c.conformal().score().label()
                + " conformity score, fitted on " + c.fittedOn().get("inputs") + ", max-known "
                + c.maxKnown() + (c.consistency().enabled() ? ", altitude consistency " + c.consistency().describe()
                : "") + ")");
        parts.add("central intervals corrected: " + percents(bands.corrected()));
        if (bands.uncorrected().length > 0) {
            parts.add("published raw, not fitted: " + percents(bands.uncorrected())
                    + " (fit them with calibrate --quantiles)");
        }
        if (c.conformal().score() == ConformalBands.Score.POINT) {
            parts.add("warning: fitted with point conformity scores, which narrow the 50% bands to cover level "
                    + "flight's truths at the centre of the bin at 0 and leave them under-covering the rate within bins "
                    + "(docs/INFERENCE.md); refit with bin/forecaster calibrate");
        }
        if (c.maxKnown() != maxKnown) {
            parts.add("warning: fitted with max-known " + c.maxKnown() + ", this forecaster uses " + maxKnown);
        }
        String mismatch = consistencyMismatch(c.consistency(), consistency);
        if (mismatch != null) {
            parts.add("warning: " + mismatch);
        }
        return new Choice(bands, String.join("; ", parts));
    }

    /**
     * Why corrections fitted with altitude consistency {@code fitted} do not match what a forecaster with {@code used}
     * publishes; null when they match (both off, or both on with the same parameters).
     */
    public static String consistencyMismatch(AltitudeConsistency fitted, AltitudeConsistency used) {
        if (fitted.publishesAsWith(used)) {
            return null;
        }
        return "the band corrections were fitted with altitude consistency " + fitted.describe()
                + ", this forecaster publishes with it " + used.describe() + " (refit with bin/forecaster calibrate "
                + "and the same setting)";
    }

    private static String percents(double[] coverages) {
        List<String> out = new ArrayList<>();
        for (double c : coverages) {
            out.add(ConformalBands.percent(c) + "%");
        }
        return String.join(", ", out);
    }
}
