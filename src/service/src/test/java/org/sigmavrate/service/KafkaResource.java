package org.sigmavrate.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
        try {
            // a fresh state folder per test application: a store left by an earlier run would answer for aircraft
            // that this run's new broker has never seen
            return Map.of("kafka.bootstrap.servers", cluster.bootstrapServers(), "kafka-streams.state.dir",
                    Files.createTempDirectory("test-kafka-streams-state").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
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
