package org.sigmavrate.config;

import org.sigmavrate.batching.BatchLimits;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.model.AltitudeConsistency;
import org.sigmavrate.model.AltitudeConsistentRates;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.onnx.SessionConfig;
import org.sigmavrate.model.sampling.BurstVariant;
import org.sigmavrate.preparation.PreparationSettings;
import org.sigmavrate.streaming.StreamingSettings;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.TrackRules;

/**
 * The one place {@link ForecasterConfig} becomes the settings records of the core and of the topology. A value the
 * records refuse fails here, with the record's message prefixed by the keys that hold it.
 */
public final class ConfiguredSettings {
    private ConfiguredSettings() {
    }

    /** The topology's settings: topics, track rules, input checks, batching and state expiry. */
    public static StreamingSettings streaming(ForecasterConfig config, Spec spec) {
        ForecasterConfig.Batch batch = config.batch();
        TrackRules rules = trackRules(config, spec.grid());
        try {
            return new StreamingSettings(topics(config.topics()), rules,
                    Math.round(config.input().maxFutureSeconds() * 1000), batch.everyMs(), batch.maxWindows(),
                    batch.budgetMs(), new BatchLimits(batch.maxAttempts(), batch.timeoutMs(),
                            batch.maxPendingPerFlight()), recordLimits(config.badRecords()),
                    Math.round(config.state().expireAfterMinutes() * 60_000));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forecaster.batch/state.*: " + e.getMessage(), e);
        }
    }

    /** What bad input the topology refuses, how large its dead letters may be. */
    public static StreamingSettings.RecordLimits recordLimits(ForecasterConfig.BadRecords bad) {
        try {
            return new StreamingSettings.RecordLimits(Math.round(bad.maxAgeHours() * 3_600_000), bad.deadLetterMaxBytes());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forecaster.bad-records.*: " + e.getMessage(), e);
        }
    }

    public static StreamingSettings.Topics topics(ForecasterConfig.Topics topics) {
        return new StreamingSettings.Topics(topics.input(), topics.trajectories(), topics.bands(), topics.deadLetter(),
                topics.forecastFailures());
    }

    /**
     * How one aircraft's reports become windows: horizon, cadence, grace, max gap and min reports, and which of its
     * triggers become forecasts ({@link #reforecast}).
     */
    public static TrackRules trackRules(ForecasterConfig config, GridDefinition grid) {
        ReforecastRules reforecast = reforecast(config);
        try {
            return new TrackRules(grid, config.window().steps(),
                    Math.round(config.window().horizonSeconds() * 1000),
                    Math.round(config.trigger().cadenceSeconds() * 1000), Math.round(config.late().graceSeconds() * 1000),
                    maxGapMillis(config), config.trigger().minReports(), reforecast);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forecaster.window/trigger/late/flight.*: " + e.getMessage(), e);
        }
    }

    /**
     * The re-forecast policy ({@code forecaster.reforecast.*}); the band tolerance, the spacing of band triggers and
     * the phase thresholds are the core's ({@link ReforecastRules#changes}). Under {@code changes}, a band whose
     * levels {@code forecaster.quantiles} does not publish fails here, at start.
     */
    public static ReforecastRules reforecast(ForecasterConfig config) {
        ForecasterConfig.Reforecast r = config.reforecast();
        ReforecastRules rules;
        try {
            rules = ReforecastRules.changes(r.band(), Math.round(r.maxAgeSeconds() * 1000)).withMode(r.mode());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forecaster.reforecast.*: " + e.getMessage(), e);
        }
        if (rules.onChanges()) {
            try {
                rules.bandIndices(levels(config));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("forecaster.reforecast.band=" + r.band() + " with forecaster.quantiles="
                        + config.quantiles() + ": " + e.getMessage(), e);
            }
        }
        return rules;
    }

    /**
     * The flight preparation of the commands that have no option for it ({@code infill}, {@code evaluate},
     * {@code calibrate}, {@code bench}): the service's max gap, so that they split flights as the service does.
     */
    public static PreparationSettings preparation(ForecasterConfig config, Spec spec) {
        return new PreparationSettings(spec, maxGapMillis(config));
    }

    /** {@code forecaster.flight.max-gap-minutes} in ms. */
    public static long maxGapMillis(ForecasterConfig config) {
        return Math.round(config.flight().maxGapMinutes() * 60_000);
    }

    /** How the service's σ-GPT answers (K = {@code forecaster.samples}). */
    public static ForecastSettings forecast(ForecasterConfig config) {
        AltitudeConsistency consistency = altitudeConsistency(config.altitudeConsistency());
        try {
            return new ForecastSettings(levels(config), config.samples(), config.sampler(), BurstVariant.EXACT,
                    config.maxBatchSequences(), config.maxKnownPositions(), config.maxKnownSpanSteps(), consistency);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forecaster.quantiles/samples/max-batch-sequences/max-known-positions/"
                    + "max-known-span-steps: "
                    + e.getMessage(), e);
        }
    }

    public static double[] levels(ForecasterConfig config) {
        return config.quantiles().stream().mapToDouble(Double::doubleValue).toArray();
    }

    public static AltitudeConsistency altitudeConsistency(ForecasterConfig.AltitudeConsistencyConfig c) {
        try {
            return new AltitudeConsistency(c.enabled(), AltitudeConsistentRates.Band.ofPercent(c.band()), c.share(),
                    c.altitudeNoiseFt());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forecaster.altitude-consistency.*: " + e.getMessage(), e);
        }
    }

    /** The service's ONNX Runtime session: provider and intra-op threads. */
    public static SessionConfig session(ForecasterConfig config) {
        try {
            return new SessionConfig(config.intraOpThreads(), config.executionProvider());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("forecaster.intra-op-threads: " + e.getMessage(), e);
        }
    }
}
