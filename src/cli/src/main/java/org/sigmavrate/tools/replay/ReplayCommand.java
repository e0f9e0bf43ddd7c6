package org.sigmavrate.tools.replay;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.cli.ConfigKey;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.ingest.UnreadableFileException;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.Replay;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Produces recorded flights (any supported file format) to a Kafka topic as Avro surveillance reports",
                "(single-object encoding), keyed by ICAO24, in event-time order at the chosen speed, with a progress line."})
public class ReplayCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH", description = "files or folders")
    List<Path> inputs;

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--topic", description = "topic (default: ${DEFAULT-VALUE}, forecaster.topics.input)")
    @ConfigKey("forecaster.topics.input")
    String topic;

    @Option(names = "--speed", defaultValue = "1", description = "event time per wall time; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double speed;

    @Option(names = "--thin", defaultValue = "0", paramLabel = "SECONDS",
            description = "keep one report per aircraft every SECONDS to 2 x SECONDS, with occasional 3-minute gaps (default: all reports)")
    double thin;

    @Option(names = "--align-to-now", description = "shift each aircraft so that its flight starts at about now minus its length (live-looking times)")
    boolean alignToNow;

    @Override
    public Integer call() throws Exception {
        List<Report> reports;
        try {
            reports = Replay.load(inputs, System.err);
        } catch (UnreadableFileException e) {
            System.err.println("replay: " + e.getMessage());
            return 2;
        }
        reports = Replay.thin(reports, thin, thin > 0, 20240415L);
        if (alignToNow) {
            long span = reports.stream().mapToLong(Report::timeMillis).max().orElse(0)
                    - reports.stream().mapToLong(Report::timeMillis).min().orElse(0);
            reports = Replay.alignStarts(reports, System.currentTimeMillis() - Math.min(span, 6 * 3_600_000L));
        }
        reports = Replay.inTimeOrder(reports);
        System.err.printf("replay: %,d reports of %,d aircraft to %s on %s at %s%n", reports.size(),
                reports.stream().map(Report::icao24).distinct().count(), topic, bootstrap,
                speed > 0 ? speed + "x real time" : "full speed");
        long sent = Replay.produce(reports, bootstrap, topic, speed,
                AvroFormat.singleObjectSerde(SurveillanceReport.class).serializer(), System.err);
        System.out.printf("replay: %,d reports sent to %s%n", sent, topic);
        return 0;
    }
}
