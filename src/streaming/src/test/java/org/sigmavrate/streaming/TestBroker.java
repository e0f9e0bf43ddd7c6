package org.sigmavrate.streaming;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Properties;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.streams.StreamsConfig;

/**
 * A real single-node KRaft broker in the test JVM (kafka-test-common-runtime), set up for exactly-once with one
 * replica. Shared by every test tier that needs a broker, so they all run against the same kind of cluster.
 */
public final class TestBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private TestBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts the broker and waits until it is ready. */
    public static TestBroker start() throws Exception {
        return start(new KafkaClusterTestKit.Builder(nodes()));
    }

    /** Starts a broker from a builder the caller has extended (e.g. with a SASL listener); adds the one-replica props. */
    public static TestBroker start(KafkaClusterTestKit.Builder builder) throws Exception {
        KafkaClusterTestKit cluster = builder
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("min.insync.replicas", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
        return new TestBroker(cluster);
    }

    /** One combined broker+controller node. */
    public static TestKitNodes nodes() {
        return new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build();
    }

    /**
     * Kafka Streams properties for a test application on a one-broker cluster: exactly-once v2 as in production, one
     * replica, a fresh state folder, and a 100 ms commit interval so that committed outputs show up quickly.
     */
    public static Properties streamsProperties(String bootstrap, String applicationId) throws IOException {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory(applicationId).toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        return p;
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /** The underlying cluster, for tests that restart or reconfigure the broker. */
    public KafkaClusterTestKit cluster() {
        return cluster;
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
