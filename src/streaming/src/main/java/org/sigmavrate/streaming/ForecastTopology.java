package org.sigmavrate.streaming;

import java.util.Map;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.streaming.DecodedReport.Route;
import org.sigmavrate.tracking.WindowAssembler;

/**
 * The service's topology:
 * <pre>
 * input (bytes) -> decode+check (Avro -> Report) -> dead letters (original bytes) -> DLQ topic (reason in headers,
 *                                                   wall-clock timestamp, cut to the topic's size)
 *                                                -> keyed by another key -> repartition by ICAO24 --+
 *                                                -> keyed by ICAO24 ---------------------------------+-> flights
 *   (state, trigger, batched inference on a wall-clock punctuator) -> trajectory -> trajectories topic
 *                                                                  -> bands      -> bands topic
 *                                                                  -> failed for good -> forecast-failures topic (JSON)
 * </pre>
 * Store names and serdes are declared here once; the REST endpoint queries {@link #LATEST_STORE} as a typed store.
 */
public final class ForecastTopology {
    /** per-aircraft {@link org.sigmavrate.tracking.FlightTrack}, RocksDB, changelogged */
    public static final String FLIGHTS_STORE = "flights";
    /** windows waiting for the next batched call, in memory, changelogged */
    public static final String PENDING_STORE = "pending-windows";
    /**
     * the latest density bands per aircraft, RocksDB, changelogged, for interactive queries: a typed store declared
     * with the bands topic's serde (the {@link AvroFormat} in use), so writer and readers share that one serde
     */
    public static final String LATEST_STORE = "latest-bands";
    /** name of the re-partition topic suffix (the topic is {@code <application.id>-by-icao24-repartition}) */
    public static final String REKEY = "by-icao24";

    private ForecastTopology() {
    }

    /** Inference on the stream thread, inside the punctuation (tests). */
    public static Topology build(StreamingSettings settings, Spec spec, WindowForecaster forecaster, AvroFormat format,
            StreamingMetrics metrics) {
        return build(settings, spec, forecaster, format, metrics, null);
    }

    /**
     * @param inference runs the forecaster off the stream threads (the service: the stream thread keeps consuming
     *                  while the model runs); null: on the stream thread
     */
    public static Topology build(StreamingSettings settings, Spec spec, WindowForecaster forecaster, AvroFormat format,
            StreamingMetrics metrics, java.util.concurrent.Executor inference) {
        StreamingSettings.Topics topics = settings.topics();
        Serde<SurveillanceReport> reports = format.serde(SurveillanceReport.class);
        Serde<InfilledTrajectory> trajectories = format.outputSerde(InfilledTrajectory.class);
        Serde<DensityBands> bands = format.serde(DensityBands.class);
        ReportValidator validator = new ReportValidator(spec, settings.maxFutureMillis(), settings.recordLimits().maxAgeMillis());
        WindowAssembler assembler = new WindowAssembler(spec, settings.rules());

        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(FLIGHTS_STORE),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(PENDING_STORE),
                Serdes.String(), Serdes.ByteArray()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(LATEST_STORE),
                Serdes.String(), bands));

        KStream<String, DecodedReport> decoded = builder
                .stream(topics.input(), Consumed.with(Serdes.ByteArray(), Serdes.ByteArray())
                        .withTimestampExtractor(new EventTimeExtractor(settings.maxFutureMillis())).withName("reports"))
                .process(() -> new ReportDecoder(reports.deserializer(), validator, metrics,
                        settings.recordLimits().deadLetterMaxBytes()), Named.as("decode"));
        Map<String, KStream<String, DecodedReport>> routes = decoded.split(Named.as("decoded-"))
                .branch((key, d) -> d.goesTo(Route.DEAD_LETTER), Branched.as("dead"))
                .branch((key, d) -> d.goesTo(Route.MISROUTED), Branched.as("misrouted"))
                .defaultBranch(Branched.as("keyed"));
        routes.get("decoded-dead").mapValues(DecodedReport::original, Named.as("dead-bytes"))
                .to(topics.deadLetter(), Produced.with(Serdes.String(), Serdes.ByteArray()).withName("dead-letters"));
        KStream<String, Report> rekeyed = routes.get("decoded-misrouted")
                .mapValues(DecodedReport::report, Named.as("misrouted-report"))
                .repartition(Repartitioned.with(Serdes.String(), ReportSerde.serde()).withName(REKEY));
        KStream<String, Report> keyed = routes.get("decoded-keyed")
                .mapValues(DecodedReport::report, Named.as("keyed-report"));

        Map<String, KStream<String, FlightOutput>> outputs = keyed.merge(rekeyed, Named.as("all-reports"))
                .process(() -> new FlightProcessor(settings, assembler, forecaster, spec.sha256(), metrics, inference),
                        Named.as("flights"), FLIGHTS_STORE, PENDING_STORE, LATEST_STORE)
                .split(Named.as("output-"))
                .branch((key, out) -> out instanceof ForecastFailure, Branched.as("failure"))
                .defaultBranch(Branched.as("forecast"));
        outputs.get("output-failure").mapValues(out -> ((ForecastFailure) out).toJson(), Named.as("as-failure-json"))
                .to(topics.forecastFailures(),
                        Produced.with(Serdes.String(), Serdes.String()).withName("forecast-failures"));
        KStream<String, ForecastOutput> forecasts = outputs.get("output-forecast")
                .mapValues(out -> (ForecastOutput) out, Named.as("as-forecast"));
        forecasts.mapValues(ForecastOutput::trajectory, Named.as("as-trajectory"))
                .to(topics.trajectories(), Produced.with(Serdes.String(), trajectories).withName("trajectories"));
        forecasts.mapValues(ForecastOutput::bands, Named.as("as-bands"))
                .to(topics.bands(), Produced.with(Serdes.String(), format.outputSerde(DensityBands.class))
                        .withName("bands"));
        return builder.build();
    }
}
