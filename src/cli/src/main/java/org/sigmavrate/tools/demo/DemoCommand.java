package org.sigmavrate.tools.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.sigmavrate.avro.v1.BandStep;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.Replay;
import org.sigmavrate.streaming.StreamingSettings;
import org.sigmavrate.streaming.TopicAdmin;
import org.sigmavrate.tools.broker.EmbeddedBroker;

import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"One command, nothing to install: starts a real single-node Kafka broker (KRaft) in its own JVM with",
                "its data in a temp folder, creates the topics, starts the forecaster service (src/service's jar) in",
                "another JVM, and replays bundled real flights thinned to sparse reports through it, printing what goes",
                "in and comes out. Ctrl-C stops everything (the service, the broker and its data)."})
public class DemoCommand implements Callable<Integer> {
    @Inject
    ForecasterConfig config;

    @Option(names = "--input", arity = "1..*", paramLabel = "PATH", defaultValue = "data/flights/traffic/featured",
            description = "flights to replay (default: ${DEFAULT-VALUE})")
    List<Path> inputs;

    @Option(names = "--speed", defaultValue = "20", description = "replay speed, event time per wall time (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--thin", defaultValue = "30", paramLabel = "SECONDS",
            description = "one report per aircraft every SECONDS to 2 x SECONDS, with gaps (default: ${DEFAULT-VALUE})")
    double thin;

    @Option(names = "--duration", defaultValue = "0", paramLabel = "SECONDS",
            description = "stop after this long (default: run until Ctrl-C)")
    long durationSeconds;

    @Option(names = "--http-port", defaultValue = "8080", description = "the service's HTTP port (default: ${DEFAULT-VALUE}; 0: any free port)")
    int httpPort;

    @Option(names = "--service-jar", paramLabel = "JAR", defaultValue = ServiceProcess.DEFAULT_JAR,
            description = "the packaged service (default: ${DEFAULT-VALUE}, built by bin/forecaster)")
    Path serviceJar;

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong trajectories = new AtomicLong();
    private final AtomicLong bands = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    /** density-bands records per trigger reason (the records' own field) */
    private final Map<String, AtomicLong> triggers = new ConcurrentSkipListMap<>();

    @Override
    public Integer call() throws Exception {
        StreamingSettings.Topics topics = ConfiguredSettings.topics(config.topics());
        if (!Files.isRegularFile(serviceJar)) {
            System.err.println("demo: no service at " + serviceJar + " (build it: mvn -B package -DskipTests, or run "
                    + "bin/forecaster, which builds it)");
            return 2;
        }
        System.out.println("demo: starting a Kafka broker (KRaft, single node) in its own JVM...");
        long t0 = System.currentTimeMillis();
        try (EmbeddedBroker broker = EmbeddedBroker.start(Duration.ofMinutes(2))) {
            String bootstrap = broker.bootstrapServers();
            System.out.printf("demo: broker up on %s in %.1f s (log: %s)%n", bootstrap,
                    (System.currentTimeMillis() - t0) / 1000.0, broker.logFile());
            System.out.println("demo: created topics " + TopicAdmin.ensure(bootstrap, topics, 2, (short) 1));
            int port = httpPort > 0 ? httpPort : ServiceProcess.freePort();
            long s0 = System.currentTimeMillis();
            System.out.println("demo: starting the service (" + serviceJar + ") in its own JVM...");
            try (ServiceProcess service = ServiceProcess.start(serviceJar, bootstrap, port,
                    Files.createTempDirectory("sigma-vrate-state"))) {
                System.out.printf("demo: service log: %s%n", service.log());
                if (!service.awaitReady(Duration.ofMinutes(3))) {
                    System.err.println("demo: the service did not become ready (/q/health/ready); last lines of "
                            + service.log() + ":");
                    service.tail(20).forEach(l -> System.err.println("  " + l));
                    return 2;
                }
                System.out.printf("demo: service ready in %.1f s%n", (System.currentTimeMillis() - s0) / 1000.0);
                run(bootstrap, topics, port);
            }
        }
        System.out.println("demo: service and broker stopped, the broker's data removed");
        return trajectories.get() > 0 && bands.get() > 0 ? 0 : 1;
    }

    private void run(String bootstrap, StreamingSettings.Topics topics, int port) throws Exception {
        Thread printer = new Thread(() -> printOutputs(bootstrap, topics), "demo-outputs");
        printer.setDaemon(true);
        printer.start();

        List<Report> reports = Replay.load(inputs, System.err);
        int all = reports.size();
        reports = Replay.thin(reports, thin, true, 20240415L);
        reports = Replay.inTimeOrder(Replay.alignStarts(reports, System.currentTimeMillis() - 6 * 3_600_000L));
        long aircraft = reports.stream().map(Report::icao24).distinct().count();
        System.out.printf("demo: replaying %,d of %,d reports (thinned to one every %.0f-%.0f s, with gaps) of %d "
                + "aircraft from %s at %.0fx%n", reports.size(), all, thin, 2 * thin, aircraft, inputs, speed);
        System.out.printf("%ndemo: where to look%n"
                + "  topics   in: %s   out: %s, %s   dead letters: %s   (broker %s)%n"
                + "  live dashboard   http://localhost:%d/%n"
                + "  REST     http://localhost:%d/forecasts/{icao24}   e.g. http://localhost:%d/forecasts/%s%n"
                + "  health   http://localhost:%d/q/health    metrics http://localhost:%d/q/metrics%n"
                + "  API      http://localhost:%d/q/openapi    http://localhost:%d/q/swagger-ui%n%n", topics.input(),
                topics.trajectories(), topics.bands(), topics.deadLetter(), bootstrap, port, port, port,
                reports.isEmpty() ? "3c6586" : reports.get(0).icao24(), port, port, port, port);
        final List<Report> toSend = reports;
        Thread replay = new Thread(() -> {
            try {
                long sent = Replay.produce(toSend, bootstrap, topics.input(), speed,
                        AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer(), System.out);
                System.out.printf("demo: replay finished, %,d reports sent; the service keeps running (Ctrl-C stops)%n", sent);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("demo: replay failed: " + e.getMessage());
            }
        }, "demo-replay");
        replay.setDaemon(true);
        replay.start();
        Thread summary = new Thread(() -> {
            while (running.get()) {
                try {
                    Thread.sleep(15_000);
                } catch (InterruptedException e) {
                    return;
                }
                System.out.printf("demo: so far %,d infilled trajectories and %,d density bands out (%s), %,d dead "
                        + "letters%s%n", trajectories.get(), bands.get(), triggerCounts(), deadLetters.get(),
                        ServiceDecisions.read(port).describe());
            }
        }, "demo-summary");
        summary.setDaemon(true);
        summary.start();
        if (durationSeconds > 0) {
            Thread.sleep(durationSeconds * 1000);
        } else {
            Quarkus.waitForExit();
        }
        running.set(false);
        replay.interrupt();
        System.out.printf("demo: stopping; %,d infilled trajectories and %,d density bands were produced%n",
                trajectories.get(), bands.get());
        printer.join(5000);
    }

    private void printOutputs(String bootstrap, StreamingSettings.Topics topics) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "sigma-vrate-demo-printer");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        var decoder = AvroFormat.singleObjectSerde(DensityBands.class).deserializer();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topics.trajectories(), topics.bands(), topics.deadLetter()));
            while (running.get()) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.topic().equals(topics.trajectories())) {
                        trajectories.incrementAndGet();
                    } else if (r.topic().equals(topics.deadLetter())) {
                        deadLetters.incrementAndGet();
                        var reason = r.headers().lastHeader("dlq.reason");
                        System.out.println("demo: dead letter " + r.key() + ": " + (reason == null ? "?" : new String(reason.value())));
                    } else {
                        long n = bands.incrementAndGet();
                        DensityBands b = decoder.deserialize(r.topic(), r.value());
                        triggers.computeIfAbsent(b.getTrigger() == null ? "unsaid" : b.getTrigger().toString(),
                                k -> new AtomicLong()).incrementAndGet();
                        if (n <= 20 || n % 25 == 0) {
                            System.out.println("demo: " + describe(b));
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            if (running.get()) {
                System.err.println("demo: output reader stopped: " + e.getMessage());
            }
        }
    }

    /** "first 12, left-band 30, ...": the density bands so far by the reason their records give. */
    private String triggerCounts() {
        StringBuilder out = new StringBuilder();
        triggers.forEach((reason, n) -> out.append(out.isEmpty() ? "" : ", ").append(reason).append(' ').append(n.get()));
        return out.isEmpty() ? "none yet" : out.toString();
    }

    /** One line per density-bands record: the latest observed rate and the forecast at the end of the window. */
    static String describe(DensityBands b) {
        List<BandStep> steps = b.getSteps();
        BandStep end = steps.get(steps.size() - 1);
        BandStep lastSeen = null;
        int observed = 0;
        for (BandStep s : steps) {
            if (s.getVerticalRate().getObserved()) {
                lastSeen = s;
                observed++;
            }
        }
        List<Double> q = end.getVerticalRate().getQuantiles();
        int mid = q.size() / 2;
        return String.format("bands %s %s: %d/%d steps observed, last report %s, rate %s ft/min; at %s forecast %+.0f ft/min"
                + " [%+.0f, %+.0f], altitude %.0f ft (model %s)", b.getIcao24(), b.getFlightId(), observed, steps.size(),
                b.getLastReportTime(), lastSeen == null ? "-" : String.format("%+.0f", lastSeen.getVerticalRate().getMean()),
                end.getTime(), q.get(mid), q.get(0), q.get(q.size() - 1), end.getAltitude().getMean(), b.getModelId());
    }
}
