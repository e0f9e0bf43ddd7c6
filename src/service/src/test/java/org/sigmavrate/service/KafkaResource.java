package org.sigmavrate.service;

import java.util.Map;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.streaming.TopicAdmin;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real single-node KRaft broker in the test JVM (kafka-test-common-runtime) with the service's topics created, for
 * the {@code @QuarkusTest}s: the service connects to it through {@code kafka.bootstrap.servers}.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private static KafkaClusterTestKit cluster;

    static String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public Map<String, String> start() {
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
                    .setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("min.insync.replicas", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            TopicAdmin.ensure(cluster.bootstrapServers(),
                    ConfiguredSettings.topics(ConfigDefaults.forecaster().topics()), 2, (short) 1);
        } catch (Exception e) {
            throw new IllegalStateException("the test broker did not start", e);
        }
        return Map.of("kafka.bootstrap.servers", cluster.bootstrapServers());
    }

    @Override
    public void stop() {
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
