package org.sigmavrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The capacity profile (microprofile-config.properties, {@code %capacity.}) reaches Kafka Streams and the re-forecast
 * policy as the service and load-bench read their configuration, and leaves the defaults alone without it.
 */
class CapacityProfileTest {
    private static SmallRyeConfig config(String... profiles) {
        return new SmallRyeConfigBuilder().addDefaultSources().withProfiles(List.of(profiles))
                .withMapping(ForecasterConfig.class).build();
    }

    private static StreamsConfig streams(SmallRyeConfig config) {
        Properties props = KafkaStreamsProperties.of(config);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "capacity");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        return new StreamsConfig(props);
    }

    @Test
    void theProfileCommitsOnceASecondInLargeBatchesAndKeepsTheDefaultPolicy() {
        SmallRyeConfig config = config("capacity");
        StreamsConfig streams = streams(config);
        assertEquals(1000L, streams.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertEquals("262144", String.valueOf(streams.getProducerConfigs("c").get(ProducerConfig.BATCH_SIZE_CONFIG)));
        ForecasterConfig forecaster = config.getConfigMapping(ForecasterConfig.class);
        assertEquals(25.0, forecaster.reforecast().maxAgeSeconds(), "the accuracy of the defaults");
        assertEquals(24, forecaster.window().steps());
    }

    @Test
    void withoutItTheDefaultsStand() {
        SmallRyeConfig config = config();
        StreamsConfig streams = streams(config);
        assertEquals(100L, streams.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG));
        assertNull(streams.getProducerConfigs("c").get(ProducerConfig.BATCH_SIZE_CONFIG), "the producer's default");
        assertEquals(25.0, config.getConfigMapping(ForecasterConfig.class).reforecast().maxAgeSeconds());
    }
}
