package org.sigmavrate.streaming;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

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
