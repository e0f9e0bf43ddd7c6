package org.sigmavrate.service;

import java.util.Map;

import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.streaming.TestBroker;
import org.sigmavrate.streaming.TopicAdmin;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real single-node KRaft broker in the test JVM (kafka-test-common-runtime) with the service's topics created, for
 * the {@code @QuarkusTest}s: the service connects to it through {@code kafka.bootstrap.servers}.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    private static TestBroker cluster;

    static String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public Map<String, String> start() {
        try {
            cluster = TestBroker.start();
            TopicAdmin.ensure(cluster.bootstrapServers(),
                    ConfiguredSettings.topics(ConfigDefaults.forecaster().topics()), 2, (short) 1);
        } catch (Exception e) {
            throw new IllegalStateException("the test broker did not start", e);
        }
        // a fresh state folder per run: the broker is new each run, so state kept from an earlier run would be stale
        String stateDir;
        try {
            stateDir = java.nio.file.Files.createTempDirectory("service-test-state").toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.of("kafka.bootstrap.servers", cluster.bootstrapServers(), "kafka-streams.state.dir", stateDir);
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
