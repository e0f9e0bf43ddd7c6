package org.sigmavrate.config;

import java.util.List;
import java.util.Optional;

import org.sigmavrate.model.AltitudeConsistentRates;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.onnx.ExecutionProvider;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Every {@code forecaster.*} setting of the service and of the command line, with its default: the one place both
 * are defined. Set a key in application.properties, as {@code -Dforecaster.key=value} or as an environment variable
 * (upper case, dots and dashes as underscores: {@code FORECASTER_MODEL_DIR}, {@code FORECASTER_BATCH_BUDGET_MS}).
 * The command line's options take their defaults from here ({@code --help} shows them). {@link ConfiguredSettings}
 * turns the mapping into the core's and the topology's settings records.
 */
@ConfigMapping(prefix = "forecaster")
public interface ForecasterConfig {

    /** Which forecaster the service runs. */
    enum Model {
        /** the ONNX σ-GPT of {@code model-dir}; without a model the service stops at start-up naming this setting */
        SIGMA_GPT,
        BASELINE_ALTITUDE_DIFFERENCE,
        BASELINE_LINEAR_INTERPOLATION,
        BASELINE_PERSISTENCE,
        /** inference off: no outputs; only for load-bench's ceiling */
        NONE
    }

    /** Wire format of the topics. */
    enum Serialization {
        /** Avro single-object encoding, no registry */
        SINGLE_OBJECT,
        /** Apicurio serdes, Confluent-compatible wire format; then set {@code apicurio.registry.url} */
        REGISTRY
    }

    /**
     * sigma-gpt | baseline-altitude-difference | baseline-linear-interpolation | baseline-persistence | none.
     */
    @WithDefault("sigma-gpt")
    Model model();

    /**
     * The σ-GPT's folder (model.onnx, spec.json, model.json); empty: the σ-GPT under models/ (the single model
     * folder, or among several the single one trained on random orders, {@code "training_order": "random"} in its
     * model.json).
     */
    Optional<String> modelDir();

    /** ONNX Runtime execution provider of the service: cpu | cuda | auto (cuda, falling back to cpu). */
    @WithDefault("cpu")
    ExecutionProvider executionProvider();

    /** ONNX Runtime intra-op threads per session (on 2 cores, 1 is often fastest for small batches). */
    @WithDefault("1")
    int intraOpThreads();

    /**
     * K joint sample paths per window in the service's infilled trajectories (each costs about two forward passes per
     * burst step; 0: bands and point estimates only, one forward pass per window).
     */
    @WithDefault("0")
    int samples();

    /** How sample paths are drawn: burst | sequential. */
    @WithDefault("burst")
    ForecastSettings.SamplerKind sampler();

    /** Probability levels of the published bands, ascending in (0, 1). */
    @WithDefault("0.05,0.25,0.5,0.75,0.95")
    List<Double> quantiles();

    /**
     * Publish the rate quantiles with their central intervals (0.05/0.95: 90%, 0.25/0.75: 50%) corrected per kind of
     * step and distance to the nearest observation by the model folder's calibration.json ({@code calibrate}, fitted
     * on validation flights for these levels), when it has corrections for this model; false: the raw model
     * quantiles. A level whose central interval the file did not fit is published raw; the start-up log says which.
     */
    @WithDefault("true")
    boolean calibratedBands();

    /**
     * Over each run of hidden steps between two reported altitudes, shift the rate's estimate, mean and quantiles
     * (before the calibrated correction; sample paths as drawn) so that they agree with the altitude change. Fit
     * calibration.json with the same setting (calibrate --altitude-consistency ...): the start-up log warns when it
     * was fitted with another one.
     */
    AltitudeConsistencyConfig altitudeConsistency();

    /**
     * Most sequences per ONNX forward call (16: on CPU, larger batches of 128-step windows run slower per sequence,
     * their attention scores no longer fit the cache; see bin/forecaster bench).
     */
    @WithDefault("16")
    int maxBatchSequences();

    /**
     * Most observed positions (step x channel) a window is conditioned on: those nearest to the steps asked about;
     * 0 = all. 32 was chosen on the validation flights for sgpt-small-v1 (as good or better than all on every
     * protocol, much better across gaps) and makes a dense 1-report/s window's density pass 56 instead of 128
     * positions long (docs/INFERENCE.md, "Conditioning on the nearest observations").
     */
    @WithDefault("32")
    int maxKnownPositions();

    /**
     * Of those, only the observed positions at most this many steps farther from the steps asked about than the
     * nearest observed one; 0 = no such limit. 7 keeps a forecast window's last 8 steps (16 positions: 40 instead of
     * 56 positions a pass, 27% cheaper, and a forecast 2% better on the validation flights) and every observation of
     * a window whose observations are spread among its unknown steps (sparse and gap windows exactly as before):
     * docs/INFERENCE.md, "Fewer known positions".
     */
    @WithDefault("7")
    int maxKnownSpanSteps();

    /** Topic names. */
    Topics topics();

    /** How a flight's window is cut. */
    Window window();

    /** When a flight triggers a forecast. */
    Trigger trigger();

    /** Which triggers become a forecast: only what changed, or every cadence. */
    Reforecast reforecast();

    /** Out-of-order reports. */
    Late late();

    /** Segmentation of an aircraft's reports into flights. */
    Flight flight();

    /** Input checks. */
    Input input();

    /** Bad records: how old a report may be, how large a dead letter. */
    BadRecords badRecords();

    /** Batched inference. */
    Batch batch();

    /** Per-aircraft state. */
    State state();

    /**
     * Threads running the forecaster, off the stream threads (which keep consuming meanwhile); each task has at most
     * one batch in flight, its outputs are sent by the next punctuation after it finishes.
     */
    @WithDefault("1")
    int inferenceThreads();

    /** Wire format: single-object | registry. */
    @WithDefault("single-object")
    Serialization serialization();

    /** How the output topics are encoded. */
    Output output();

    /** The command line's offline commands, where they differ from the service on purpose. */
    Offline offline();

    /** The service's health checks. */
    Health health();

    /** The service's {@code /forecasts} queries. */
    Query query();

    /** The service's wait for its source topics before Kafka Streams starts. */
    SourceTopics sourceTopics();

    /** {@code forecaster.output.*} */
    interface Output {
        enum Format {
            /** as {@code forecaster.serialization} says */
            AVRO,
            /** Avro's JSON encoding of the same schemas, for consumers without Avro */
            JSON
        }

        /**
         * avro | json: the trajectories and bands topics as Avro's JSON encoding of the same schemas (one JSON object
         * per record); input, stores and changelogs stay as {@code forecaster.serialization} says.
         */
        @WithDefault("avro")
        Format format();
    }

    /** {@code forecaster.altitude-consistency.*} */
    interface AltitudeConsistencyConfig {
        /**
         * On since sgpt-small-v2, which showed on its validation flights that it wins: the density median's MAE fell
         * by 3.8% on sparse10, 4.7% on sparse25 and 9.7% on gap, every interval over flights below 1
         * (models/sgpt-small-v2/MODEL.md).
         */
        @WithDefault("true")
        boolean enabled();

        /** The central band (percent, 50 | 90) whose width shares out a span's correction over its hidden steps. */
        @WithDefault("90")
        int band();

        /**
         * width (in proportion to the band width) | variance (to its square, as Gaussian conditioning on the span's
         * sum would).
         */
        @WithDefault("variance")
        AltitudeConsistentRates.Share share();

        /**
         * With the variance share: standard deviation (ft) of an observed altitude difference; 0 makes the span's
         * altitude change a hard constraint. Chosen on the validation flights among 0, 30, 100, 200 and 400 ft
         * (variance share, 90% band): 200-400 ft cut the MAE by 5-8% on sparse10, sparse25 and gap, every interval
         * below 1 at 400 ft (docs/INFERENCE.md).
         */
        @WithDefault("400")
        double altitudeNoiseFt();
    }

    /** {@code forecaster.topics.*} */
    interface Topics {
        /** surveillance reports in */
        @WithDefault("surveillance-reports")
        String input();

        /** infilled trajectories out */
        @WithDefault("infilled-trajectories")
        String trajectories();

        /** density bands out */
        @WithDefault("density-bands")
        String bands();

        /** reports that cannot be used, with the reason in a header */
        @WithDefault("surveillance-reports-dlq")
        String deadLetter();

        /** windows whose inference failed its last attempt (JSON, keyed by ICAO24, the reason in a header) */
        @WithDefault("forecast-failures")
        String forecastFailures();
    }

    /** {@code forecaster.window.*} */
    interface Window {
        /** A window ends this long after the flight's latest report: one call infills the past and forecasts ahead. */
        @WithDefault("120")
        double horizonSeconds();

        /**
         * A window's length in grid steps, at most the model's (spec.json's {@code window_steps}, 64): the horizon's
         * steps ahead and the recent past before them, whose gaps are infilled. 24 (120 s of past, 120 s ahead)
         * forecast better than the model's 64 on validation flights (MAE -1.9%, CRPS -4.7%), each pass 1.3x cheaper,
         * and its standing forecasts age at less cost (docs/STREAMING.md, "Shorter windows").
         */
        @WithDefault("24")
        int steps();
    }

    /** {@code forecaster.trigger.*} */
    interface Trigger {
        /** A flight triggers on new observations at most once per this much event time. */
        @WithDefault("10")
        double cadenceSeconds();

        /** A flight triggers once it has at least this many reports. */
        @WithDefault("2")
        int minReports();
    }

    /**
     * {@code forecaster.reforecast.*}: at each report the flight's latest published forecast is kept or replaced
     * (the core's {@code ReforecastRules}; docs/STREAMING.md, "Forecasting only what changed").
     */
    interface Reforecast {
        /**
         * {@code changes}: a new forecast only when a report leaves the standing forecast's central band, the flight
         * phase changes, the standing forecast is {@code max-age-seconds} old, or there is none; otherwise the due
         * pass is skipped and counted. {@code cadence}: every {@code forecaster.trigger.cadence-seconds}, as before.
         */
        @WithDefault("changes")
        org.sigmavrate.tracking.ReforecastRules.Mode mode();

        /**
         * The central band a report must stay in, in percent: 50 = the published quantiles 0.25 and 0.75. Both
         * levels must be among {@code forecaster.quantiles}.
         */
        @WithDefault("50")
        int band();

        /**
         * A standing forecast whose last report is this much older than the flight's latest is replaced. With the
         * default 24-step windows, 25 s keeps the accuracy cost of standing forecasts within 2% on validation flights
         * (+1.7% MAE, +1.4% CRPS for 0.47 of the cadence's passes; docs/STREAMING.md, "What skipping costs").
         */
        @WithDefault("25")
        double maxAgeSeconds();
    }

    /** {@code forecaster.late.*} */
    interface Late {
        /**
         * Out-of-order reports up to this much older than the flight's latest are used; older ones are counted and
         * dropped.
         */
        @WithDefault("60")
        double graceSeconds();
    }

    /** {@code forecaster.flight.*} */
    interface Flight {
        /** A longer silence of an aircraft starts a new flight (the service, and {@code dataset}'s default). */
        @WithDefault("10")
        double maxGapMinutes();
    }

    /** {@code forecaster.input.*} */
    interface Input {
        /** Reports further ahead of the wall clock go to the dead-letter topic. */
        @WithDefault("600")
        double maxFutureSeconds();
    }

    /** {@code forecaster.bad-records.*} (docs/STREAMING.md, "Bad records") */
    interface BadRecords {
        /**
         * Reports older than this behind the wall clock go to the dead-letter topic (0: no limit). A week: older
         * forecasts would fall out of the output topics' default retention on arrival; replay old recordings with
         * {@code --align-to-now}.
         */
        @WithDefault("168")
        double maxAgeHours();

        /**
         * A dead letter (value, key, headers) larger than this is cut to fit, with a {@code dlq.truncated} header:
         * keep it under the dead-letter topic's {@code max.message.bytes} and the producer's
         * {@code max.request.size} (both about 1 MiB by default).
         */
        @WithDefault("1000000")
        int deadLetterMaxBytes();
    }

    /** {@code forecaster.batch.*} */
    interface Batch {
        /** A wall-clock punctuator per task runs the pending windows every this many ms. */
        @WithDefault("200")
        long everyMs();

        /**
         * At most this many windows per call; beyond it the least-changed flights wait (cadence stretched, counted in
         * sigmavrate_cadence_stretched_total).
         */
        @WithDefault("2048")
        int maxWindows();

        /**
         * Time budget of one inference call: the processor measures the cost per window and takes at most
         * budget/cost windows per call (the rest wait, the newest window per flight only: cadence stretched); 0: no
         * budget.
         */
        @WithDefault("500")
        long budgetMs();

        /**
         * Failed inference calls a window may be in (a throwing call is first bisected, so only a window that fails
         * alone is charged; a timed-out call charges all its windows) before it goes to the forecast-failures topic
         * (sigmavrate_forecast_failures_total); each retry is counted in sigmavrate_forecast_retries_total.
         */
        @WithDefault("3")
        int maxAttempts();

        /**
         * A call that has not answered after this long is abandoned by the watchdog (its worker replaced: it may be
         * stuck in native code) and its windows retried or failed; 0: no watchdog. Far above the budget: the cold
         * first calls of the σ-GPT on a busy CPU take seconds.
         */
        @WithDefault("30000")
        long timeoutMs();

        /**
         * Most windows one flight may have waiting; beyond it its oldest are superseded
         * (sigmavrate_pending_superseded_total), so a stuck model cannot grow a flight's pending-windows record
         * (about 1.2 kB per window: 128 windows stay far below a 1 MB message).
         */
        @WithDefault("128")
        int maxPendingPerFlight();
    }

    /** {@code forecaster.state.*} */
    interface State {
        /**
         * An aircraft silent this long (its latest report's event time against the stream's, see
         * SilentAircraftSweeper) is removed from every store and {@code /forecasts} answers 404 for it. 30: above
         * {@code flight.max-gap-minutes} (10; a longer silence starts a new flight anyway, so removing the state
         * changes no forecast) plus {@code input.max-future-seconds} (10 min, how far one report can push the
         * stream's time ahead), with margin.
         */
        @WithDefault("30")
        double expireAfterMinutes();
    }

    /**
     * {@code forecaster.offline.*}: {@code infill}, {@code evaluate} and {@code calibrate} run the same σ-GPT with the
     * settings above, except where offline work wants another default.
     */
    interface Offline {
        /**
         * Joint sample paths K per window of {@code infill} and of {@code evaluate}'s sample-median row: offline, the
         * paths are the product; the service's default ({@code forecaster.samples}) is 0 for throughput.
         */
        @WithDefault("16")
        int samples();

        /**
         * Execution provider of the offline commands: auto takes the GPU when the CUDA build and one are present; the
         * service states its provider ({@code forecaster.execution-provider}).
         */
        @WithDefault("auto")
        ExecutionProvider executionProvider();
    }

    /** {@code forecaster.health.*} */
    interface Health {
        /**
         * Liveness turns DOWN when more stream threads than this fail within the window (each is replaced; a poison
         * record makes its replacement fail again within seconds, a broker hiccup once or twice): a loop, for the
         * orchestrator to restart the instance. It turns UP again once the window holds no more than this.
         */
        @WithDefault("3")
        int threadFailures();

        /** The sliding window over which stream-thread failures are counted. */
        @WithDefault("300")
        long threadFailureWindowSeconds();
    }

    /** {@code forecaster.query.*} */
    interface Query {
        /**
         * Threads that answer {@code /forecasts} (store lookups and forwards to the owning instance), apart from the
         * HTTP worker threads that run the health checks, so that slow queries never starve the probes.
         */
        @WithDefault("4")
        int threads();

        /** Queries waiting for a thread beyond this many are refused at once (503, Retry-After). */
        @WithDefault("64")
        int maxQueued();

        /**
         * A query unanswered after this long (waiting included) gets 504; also the HTTP timeout of a query forwarded
         * to the owning instance.
         */
        @WithDefault("5000")
        long timeoutMs();
    }

    /** {@code forecaster.source-topics.*} */
    interface SourceTopics {
        /**
         * How long one look-up of the broker's topics may take, before Kafka Streams starts (the service looks every
         * 100 ms until the topology's source topics exist, for as long as it takes) and for the readiness check.
         */
        @WithDefault("10000")
        long timeoutMs();
    }
}
