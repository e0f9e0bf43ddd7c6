package org.sigmavrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.sigmavrate.streaming.SkipAndCountHandler;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * The exception handlers reach Kafka Streams from microprofile-config.properties, as the service and load-bench read
 * it: a record that throws is skipped and counted, not a stream thread killed again and again.
 */
class ExceptionHandlersConfigTest {
    @Test
    void everyApplicationOfTheTopologyGetsTheSkipAndCountHandlers() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().addDefaultSources().build();
        Properties props = KafkaStreamsProperties.of(config);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "handlers");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        StreamsConfig streams = new StreamsConfig(props);
        for (String key : new String[] {StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG}) {
            assertEquals(SkipAndCountHandler.class, streams.getClass(key), key);
        }
        assertEquals(StreamsConfig.EXACTLY_ONCE_V2, streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG));
    }
}
