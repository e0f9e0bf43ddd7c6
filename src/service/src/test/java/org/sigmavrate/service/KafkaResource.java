package org.sigmavrate.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.streaming.StreamingSettings;
import org.sigmavrate.streaming.TestBroker;
import org.sigmavrate.streaming.TopicAdmin;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * A real single-node KRaft broker in the test JVM (kafka-test-common-runtime) with the service's topics created, for
 * the {@code @QuarkusTest}s: the service connects to it through {@code kafka.bootstrap.servers}. With the init argument
 * {@value #INPUT_TOPIC} = {@code absent}, every topic but the input topic.
 */
public class KafkaResource implements QuarkusTestResourceLifecycleManager {
    static final String INPUT_TOPIC = "input-topic";
    private static TestBroker cluster;
    private boolean withoutInput;

    @Override
    public void init(Map<String, String> initArgs) {
        withoutInput = "absent".equals(initArgs.get(INPUT_TOPIC));
    }

    static String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public Map<String, String> start() {
        try {
            cluster = TestBroker.start();
            StreamingSettings.Topics topics = ConfiguredSettings.topics(ConfigDefaults.forecaster().topics());
            if (withoutInput) {
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        cluster.bootstrapServers()))) {
                    admin.createTopics(List.of(new NewTopic(topics.trajectories(), 2, (short) 1),
                            new NewTopic(topics.bands(), 2, (short) 1), new NewTopic(topics.deadLetter(), 1, (short) 1),
                            new NewTopic(topics.forecastFailures(), 1, (short) 1))).all().get(60, TimeUnit.SECONDS);
                }
            } else {
                TopicAdmin.ensure(cluster.bootstrapServers(), topics, 2, (short) 1);
            }
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
