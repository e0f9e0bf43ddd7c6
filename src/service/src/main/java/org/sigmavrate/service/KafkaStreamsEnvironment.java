package org.sigmavrate.service;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * {@code KAFKA_STREAMS_*} environment variables as the {@code kafka-streams.*} properties that quarkus-kafka-streams
 * passes to Kafka Streams as they are ({@code KAFKA_STREAMS_SECURITY_PROTOCOL} is {@code
 * kafka-streams.security.protocol}, {@code KAFKA_STREAMS_CONSUMER_MAX_POLL_RECORDS} is {@code
 * kafka-streams.consumer.max.poll.records}). The extension collects them by listing the configuration's property
 * names, and the environment's source lists a variable under its own name: a key that no other source names (any
 * Kafka client property not in application.properties) would never be found. Kafka's property names are lower case
 * words between dots, so the variable's name gives the key back exactly. Same ordinal as the environment: -D wins.
 */
public class KafkaStreamsEnvironment implements ConfigSource {
    static final String VARIABLE_PREFIX = "KAFKA_STREAMS_";
    private final Map<String, String> properties;

    public KafkaStreamsEnvironment() {
        this(System.getenv());
    }

    KafkaStreamsEnvironment(Map<String, String> environment) {
        Map<String, String> p = new HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith(VARIABLE_PREFIX) && name.length() > VARIABLE_PREFIX.length()) {
                p.put(propertyName(name), value);
            }
        });
        properties = Map.copyOf(p);
    }

    static String propertyName(String variable) {
        return "kafka-streams." + variable.substring(VARIABLE_PREFIX.length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    @Override
    public Map<String, String> getProperties() {
        return properties;
    }

    @Override
    public Set<String> getPropertyNames() {
        return properties.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return properties.get(propertyName);
    }

    @Override
    public String getName() {
        return "KAFKA_STREAMS_* environment variables";
    }

    @Override
    public int getOrdinal() {
        return 300;
    }
}
