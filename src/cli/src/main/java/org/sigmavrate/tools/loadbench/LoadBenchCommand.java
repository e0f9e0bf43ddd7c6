package org.sigmavrate.tools.loadbench;

import static org.sigmavrate.tools.loadbench.BenchOutput.out;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;
import org.sigmavrate.config.ForecasterFactory;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.streaming.Replay;
import org.sigmavrate.streaming.StreamingSettings;
import org.sigmavrate.tools.broker.EmbeddedBroker;
import org.sigmavrate.tracking.ReforecastRules;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "load-bench", mixinStandardHelpOptions = true,
        description = {"Load benchmark of the streaming service on a real local broker (KRaft, own JVM, loopback),",
                "stopping by itself. Real flights of --input multiplexed (time-shifted, ICAO24 remapped) to N aircraft",
                "reporting once a second; a ladder of N, each for --step-seconds, with the service as configured",
                "(forecaster.*, kafka-streams.*), by default from the largest N down after a warm-up long enough to",
                "fill every aircraft's window, so that every step runs at steady state (no aircraft joins with a short,",
                "cheap window): input rate, consumer lag, batch sizes, window length, windows forecast, cadence",
                "stretched, end-to-end p50/p99 from report to bands. Ceilings in the same run: (a) a minimal Kafka",
                "Streams app keeping a 64-report ring buffer per aircraft in RocksDB vs the service with inference off",
                "(forecaster none), at-least-once and exactly-once, on the same preloaded reports; (b) the forecaster",
                "alone on the batches the service ran vs inside the service under saturation. --soak: state and heap",
                "while 100,000 distinct aircraft pass through (docs/STREAMING.md, Bounded state)."})
public class LoadBenchCommand implements Callable<Integer> {
    @Inject
    ForecasterConfig config;

    private final Spec spec = SpecLoader.bundled();
    private StreamingSettings settings;
    private WindowForecaster forecaster;
    private int inferenceThreads;

    @Option(names = "--input", arity = "1..*", paramLabel = "PATH", defaultValue = "data/flights",
            description = "recorded flights to multiplex (default: ${DEFAULT-VALUE})")
    List<Path> inputs;

    @Option(names = "--ladder", split = ",", defaultValue = "5000,4000,3000,2000,1000",
            description = "aircraft counts N, each reporting once a second, in this order (default: ${DEFAULT-VALUE}; "
                    + "descending, so that no step adds young aircraft, whose short windows are cheaper than a steady "
                    + "state's)")
    int[] ladder;

    @Option(names = "--policy", paramLabel = "changes|cadence",
            description = {"the re-forecast policy of the ladder's service (default: as configured, "
                    + "forecaster.reforecast.*): changes = only when a report leaves its forecast's band, the phase "
                    + "changes or the forecast reaches the max age; cadence = every cadence; the band, max age and "
                    + "thresholds stay as configured"})
    String policy;

    @Option(names = "--instances", defaultValue = "1",
            description = {"service instances in this JVM sharing one application id, hence the input's partitions "
                    + "(default: ${DEFAULT-VALUE}); each has its own Kafka Streams client, state folder, metrics and "
                    + "inference threads, and each step prints the partitions, reports/s and windows/s of each"})
    int instances;

    @Option(names = "--partitions", defaultValue = "0",
            description = "partitions of the ladder's topics (default: 2 per instance)")
    int partitions;

    @Option(names = "--step-seconds", defaultValue = "120", description = "duration of each ladder step (default: ${DEFAULT-VALUE})")
    int stepSeconds;

    @Option(names = "--warmup-seconds", defaultValue = "540",
            description = "warm-up at the first N, not reported (default: ${DEFAULT-VALUE}: a window is 64 steps of 10 s "
                    + "ending 120 s ahead, so after 520 s every aircraft's window is full)")
    int warmupSeconds;

    @Option(names = "--ceiling-rounds", defaultValue = "3", description = "rounds of the four ceiling apps, best kept (default: ${DEFAULT-VALUE})")
    int ceilingRounds;

    @Option(names = "--ceiling-aircraft", defaultValue = "1500", description = "aircraft in the preloaded ceiling input (default: ${DEFAULT-VALUE})")
    int ceilingAircraft;

    @Option(names = "--ceiling-seconds", defaultValue = "200", description = "seconds of 1 Hz reports per aircraft preloaded (default: ${DEFAULT-VALUE})")
    int ceilingSeconds;

    @Option(names = "--standalone-seconds", defaultValue = "10", description = "standalone inference measuring time (default: ${DEFAULT-VALUE})")
    double standaloneSeconds;

    @Option(names = "--skip-ceilings", description = "skip ceiling (a)")
    boolean skipCeilings;

    @Option(names = "--skip-ladder", description = "skip the ladder and ceiling (b)")
    boolean skipLadder;

    @Option(names = "--soak", description = {"run the soak instead of the ceilings and the ladder: --aircraft-total "
            + "distinct aircraft pass through the service (each flies --soak-flight-seconds of event time, then falls "
            + "silent) with the state expiry --soak-expire-after-minutes; a row every --soak-sample-seconds with the "
            + "stores' entries, the state folder's size, heap after GC and RSS"})
    boolean soak;

    @Option(names = "--aircraft-total", defaultValue = "100000", description = "soak: distinct aircraft (default: ${DEFAULT-VALUE})")
    int aircraftTotal;

    @Option(names = "--soak-airborne", defaultValue = "1000", description = "soak: aircraft flying at a time (default: ${DEFAULT-VALUE})")
    int soakAirborne;

    @Option(names = "--soak-flight-seconds", defaultValue = "180",
            description = "soak: event time each aircraft flies (default: ${DEFAULT-VALUE})")
    int soakFlightSeconds;

    @Option(names = "--soak-report-seconds", defaultValue = "10",
            description = "soak: event time between an aircraft's reports (default: ${DEFAULT-VALUE}, the cadence)")
    int soakReportSeconds;

    @Option(names = "--soak-rate", defaultValue = "3000",
            description = "soak: reports per wall second; event time runs rate x report-seconds / airborne times the "
                    + "wall clock (default: ${DEFAULT-VALUE})")
    int soakRate;

    @Option(names = "--soak-expire-after-minutes", defaultValue = "5",
            description = "soak: forecaster.state.expire-after-minutes for the soak, short so that the state turns "
                    + "over; 0: none, for comparison (default: ${DEFAULT-VALUE})")
    double soakExpireMinutes;

    @Option(names = "--soak-sample-seconds", defaultValue = "30", description = "soak: seconds between rows (default: ${DEFAULT-VALUE})")
    int soakSampleSeconds;

    @Option(names = "--soak-drain", description = "soak: after the traffic, wait until the stores are empty (the "
            + "stream time stands, so this takes the expiry in wall clock)")
    boolean soakDrain;

    @Override
    public Integer call() throws Exception {
        if (policy != null) {
            try {
                ReforecastRules.Mode.of(policy);
            } catch (IllegalArgumentException e) {
                System.err.println("load-bench: --policy: " + e.getMessage());
                return 2;
            }
        }
        try {
            settings = ConfiguredSettings.streaming(config, spec);
            inferenceThreads = config.inferenceThreads();
            forecaster = ForecasterFactory.open(config);
        } catch (RuntimeException e) {
            System.err.println("load-bench: cannot load the forecaster: " + e.getMessage());
            return 2;
        }
        try {
            return run();
        } finally {
            forecaster.close();
        }
    }

    private int run() throws Exception {
        long t0 = System.currentTimeMillis();
        MultiplexedFlights flights = MultiplexedFlights.from(Replay.load(inputs, System.err), 300);
        out("load-bench: %d template flights (%,d s of 1 Hz reports) from %s; model %s; %d cores", flights.templates(),
                flights.templateSeconds(), inputs, forecaster.modelId(), Runtime.getRuntime().availableProcessors());
        try (EmbeddedBroker broker = EmbeddedBroker.start(Duration.ofMinutes(2))) {
            String bootstrap = broker.bootstrapServers();
            out("load-bench: broker (own JVM) on %s", bootstrap);
            if (soak) {
                new Soak(settings.withExpiry(soakExpireMinutes == 0 ? StreamingSettings.NEVER_EXPIRE
                        : Math.round(soakExpireMinutes * 60_000)), spec, forecaster,
                        inferenceThreads, aircraftTotal, soakAirborne, soakFlightSeconds, soakReportSeconds, soakRate,
                        soakSampleSeconds, soakDrain).run(bootstrap, flights);
            } else if (!skipCeilings) {
                new StreamsCeiling(settings, spec, ceilingAircraft, ceilingSeconds, ceilingRounds)
                        .measure(bootstrap, flights);
            }
            if (!soak && !skipLadder) {
                StreamingSettings ladderSettings = policy == null ? settings
                        : settings.withReforecast(settings.rules().reforecast().withMode(ReforecastRules.Mode.of(policy)));
                String policyName = ladderSettings.rules().reforecast().mode().name().toLowerCase(Locale.ROOT);
                Ladder.Outcome outcome = new Ladder(ladderSettings, policyName, spec, forecaster, inferenceThreads, ladder,
                        warmupSeconds, stepSeconds, instances, partitions > 0 ? partitions : 2 * instances,
                        broker.pid()).run(bootstrap, flights);
                new InferenceCeiling(forecaster, standaloneSeconds).measure(outcome);
            }
        }
        out("load-bench: done in %.0f s", (System.currentTimeMillis() - t0) / 1000.0);
        return 0;
    }
}
