package org.sigmavrate.config;

import java.util.Properties;

import org.eclipse.microprofile.config.Config;

/**
 * The {@code kafka-streams.*} settings of a configuration as Kafka Streams properties (prefix removed), the way the
 * service's quarkus-kafka-streams extension passes them: load-bench runs the service's topology with the same ones.
 */
public final class KafkaStreamsProperties {
    public static final String PREFIX = "kafka-streams.";

    private KafkaStreamsProperties() {
    }

    public static Properties of(Config config) {
        Properties p = new Properties();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX)) {
                config.getOptionalValue(name, String.class).ifPresent(v -> p.put(name.substring(PREFIX.length()), v));
            }
        }
        return p;
    }
}
