package org.sigmavrate.model.calibration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import org.sigmavrate.model.AltitudeConsistency;

/**
 * What the {@code calibrate} command fits on validation flights and {@code evaluate}, {@code infill} and the
 * service read: the altitude-difference baseline's residual quantiles and the σ-GPT's conformal band corrections
 * ({@link CalibratedBands} applies them), both per {@link ObservationBuckets} bucket, with what they were fitted on.
 *
 * @param modelId     the σ-GPT whose bands were corrected (null when only the residuals were fitted)
 * @param specSha256  the spec of that model
 * @param maxKnown    observed positions the σ-GPT was conditioned on when fitted (0: all)
 * @param fittedOn    inputs, windows, flights, protocols, seed: for the record
 * @param residuals   the altitude-difference baseline's residual quantiles
 * @param conformal   the σ-GPT's band corrections; null when fitted without the model
 * @param consistency whether the σ-GPT's quantiles were made altitude-consistent before the corrections were fitted
 *                    (as the forecaster then publishes them); a file without it was fitted on the raw quantiles (off)
 */
public record Calibration(String modelId, String specSha256, int maxKnown, Map<String, Object> fittedOn,
        ResidualQuantiles residuals, ConformalBands conformal, AltitudeConsistency consistency) {
    public static final String FORMAT = "sigma-vrate-calibration-v1";
    public static final String FILE_NAME = "calibration.json";

    /** Fitted on the raw model quantiles (altitude consistency off). */
    public Calibration(String modelId, String specSha256, int maxKnown, Map<String, Object> fittedOn,
            ResidualQuantiles residuals, ConformalBands conformal) {
        this(modelId, specSha256, maxKnown, fittedOn, residuals, conformal, AltitudeConsistency.OFF);
    }

    public Calibration {
        if (consistency == null) {
            throw new IllegalArgumentException("altitude consistency: off or on, not null");
        }
    }

    /** The same calibration without band corrections (the residual quantiles do not depend on the model). */
    public Calibration withoutConformal() {
        return new Calibration(modelId, specSha256, maxKnown, fittedOn, residuals, null, consistency);
    }

    public void write(Path file) throws IOException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("format", FORMAT);
        json.put("model_id", modelId);
        json.put("spec_sha256", specSha256);
        json.put("max_known_positions", maxKnown);
        json.put("altitude_consistency", consistency.toMap());
        json.put("fitted_on", fittedOn);
        json.put("buckets", "kind (between two observed steps, or beyond: before the first or after the last) and "
                + "distance in grid steps to the nearest observed step");
        Map<String, Object> byBucket = new LinkedHashMap<>();
        for (int b = 0; b < ObservationBuckets.count(); b++) {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("count", residuals.counts()[b]);
            e.put("quantiles", residuals.quantiles()[b] == null ? null : residuals.quantiles()[b]);
            byBucket.put(ObservationBuckets.label(b), e);
        }
        Map<String, Object> res = new LinkedHashMap<>();
        res.put("residual", "truth - point, ft/min");
        res.put("levels", residuals.levels());
        res.put("by_bucket", byBucket);
        json.put("altitude_difference_residuals", res);
        if (conformal != null) {
            Map<String, Object> bands = new LinkedHashMap<>();
            for (int b = 0; b < ObservationBuckets.count(); b++) {
                Map<String, Object> e = new LinkedHashMap<>();
                e.put("count", conformal.counts()[b]);
                for (int k = 0; k < conformal.coverages().length; k++) {
                    e.put(widenKey(conformal.coverages()[k]), nullIfNaN(conformal.widen()[k][b]));
                }
                bands.put(ObservationBuckets.label(b), e);
            }
            Map<String, Object> cqr = new LinkedHashMap<>();
            cqr.put("score", conformal.score().label());
            cqr.put("central_coverages", conformal.coverages());
            cqr.put("by_bucket", bands);
            json.put("sigma_gpt_conformal", cqr);
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), json);
    }

    public static Calibration read(Path file) throws IOException {
        JsonNode json = new ObjectMapper().readTree(file.toFile());
        if (!FORMAT.equals(json.path("format").asText())) {
            throw new IOException(file + ": not a calibration file (format '" + json.path("format").asText()
                    + "', expected " + FORMAT + ")");
        }
        int buckets = ObservationBuckets.count();
        JsonNode res = json.path("altitude_difference_residuals");
        double[] levels = doubles(res.path("levels"));
        double[][] quantiles = new double[buckets][];
        long[] counts = new long[buckets];
        for (var it = res.path("by_bucket").fields(); it.hasNext();) {
            var e = it.next();
            int b = bucket(file, e.getKey());
            counts[b] = e.getValue().path("count").asLong();
            JsonNode q = e.getValue().path("quantiles");
            quantiles[b] = q.isArray() ? doubles(q) : null;
        }
        ConformalBands conformal = null;
        JsonNode cqr = json.path("sigma_gpt_conformal");
        JsonNode bands = cqr.path("by_bucket");
        if (bands.isObject()) {
            // files written before the score and the coverages were recorded: point scores, 50% and 90%
            double[] coverages = cqr.path("central_coverages").isArray() ? doubles(cqr.path("central_coverages"))
                    : ConformalBands.V1_COVERAGES;
            ConformalBands.Score score = ConformalBands.Score.POINT;
            if (cqr.path("score").isTextual()) {
                try {
                    score = ConformalBands.Score.parse(cqr.path("score").asText());
                } catch (IllegalArgumentException e) {
                    throw new IOException(file + ": " + e.getMessage());
                }
            }
            double[][] widen = new double[coverages.length][buckets];
            for (double[] row : widen) {
                Arrays.fill(row, Double.NaN);
            }
            long[] n = new long[buckets];
            for (var it = bands.fields(); it.hasNext();) {
                var e = it.next();
                int b = bucket(file, e.getKey());
                n[b] = e.getValue().path("count").asLong();
                for (int k = 0; k < coverages.length; k++) {
                    JsonNode c = e.getValue().path(widenKey(coverages[k]));
                    widen[k][b] = c.isNumber() ? c.asDouble() : Double.NaN;
                }
            }
            try {
                conformal = new ConformalBands(score, coverages, widen, n);
            } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + e.getMessage());
            }
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> fittedOn = new ObjectMapper().convertValue(json.path("fitted_on"), LinkedHashMap.class);
        return new Calibration(json.path("model_id").isTextual() ? json.path("model_id").asText() : null,
                json.path("spec_sha256").isTextual() ? json.path("spec_sha256").asText() : null,
                json.path("max_known_positions").asInt(), fittedOn, new ResidualQuantiles(levels, quantiles, counts),
                conformal, consistency(file, json.path("altitude_consistency")));
    }

    /** Files written before the setting existed were fitted on the raw quantiles: off. */
    private static AltitudeConsistency consistency(Path file, JsonNode node) throws IOException {
        if (!node.isObject()) {
            return AltitudeConsistency.OFF;
        }
        try {
            return AltitudeConsistency.parse(text(node.path("enabled")), text(node.path("band")),
                    text(node.path("share")), text(node.path("altitude_noise_ft")));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": altitude_consistency: " + e.getMessage());
        }
    }

    private static String text(JsonNode v) {
        return v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    /** "widen_50_fpm": a bucket's correction of the central interval of probability {@code coverage}. */
    static String widenKey(double coverage) {
        return "widen_" + ConformalBands.percent(coverage) + "_fpm";
    }

    private static int bucket(Path file, String label) throws IOException {
        try {
            return ObservationBuckets.ofLabel(label);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    private static double[] doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asDouble()));
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static Object nullIfNaN(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
