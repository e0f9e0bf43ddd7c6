package org.sigmavrate.tools.tail;

import java.util.concurrent.Callable;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.apache.kafka.common.errors.TimeoutException;
import org.sigmavrate.streaming.TopicTail;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "tail", mixinStandardHelpOptions = true,
        description = "Prints the records of a topic as JSON lines, one object per record: topic, partition, offset, "
                + "timestamp, key, headers, encoding, schema and the decoded value. Reads the output topics (bands, "
                + "trajectories: Avro single-object of any schema version, or JSON), the dead letters with their dlq.* "
                + "headers, the forecast failures and the input. Registry-mode records (Confluent wire format) are not "
                + "decoded: their schema id and base64 bytes are printed. Reads committed records only, in no group.")
public class TailCommand implements Callable<Integer> {
    /**
     * The command line logs to stdout, where tail's JSON lines go: the Kafka client's warnings (a broker that does not
     * answer) would break them, so they are off; this command says on stderr what went wrong. A field: JUL keeps
     * loggers only weakly.
     */
    private static final Logger KAFKA_LOG = Logger.getLogger("org.apache.kafka");

    @Option(names = "--bootstrap", defaultValue = "localhost:9092", description = "Kafka bootstrap servers (default: ${DEFAULT-VALUE})")
    String bootstrap;

    @Option(names = "--topic", required = true, description = "the topic, e.g. density-bands")
    String topic;

    @Option(names = "--from-beginning", description = "start at each partition's first record (default: only new records)")
    boolean fromBeginning;

    @Option(names = "--max", defaultValue = "0", paramLabel = "N", description = "stop after N records (default: 0, never)")
    long max;

    @Option(names = "--idle-exit-ms", defaultValue = "0", paramLabel = "MS",
            description = "stop when no record came for MS milliseconds (default: 0, never)")
    long idleExitMs;

    @Override
    public Integer call() throws Exception {
        KAFKA_LOG.setLevel(Level.OFF);
        try {
            long printed = new TopicTail(bootstrap, topic, fromBeginning, max, idleExitMs).run(System.out);
            if (printed < 0) {
                System.err.println("tail: no topic " + topic + " on " + bootstrap);
                return 2;
            }
            return 0;
        } catch (TimeoutException e) {
            System.err.println("tail: " + bootstrap + " did not answer: " + e.getMessage());
            return 2;
        }
    }
}
