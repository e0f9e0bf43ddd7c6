package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

class KafkaStreamsEnvironmentTest {
    @Test
    void variablesBecomeTheKafkaStreamsKeys() {
        KafkaStreamsEnvironment source = new KafkaStreamsEnvironment(Map.of("KAFKA_STREAMS_SECURITY_PROTOCOL",
                "SASL_SSL", "KAFKA_STREAMS_SASL_JAAS_CONFIG", "x required;", "KAFKA_STREAMS_CONSUMER_MAX_POLL_RECORDS",
                "500", "KAFKA_BOOTSTRAP_SERVERS", "b:9092", "KAFKA_STREAMS_", "ignored", "PATH", "/bin"));
        assertEquals(Map.of("kafka-streams.security.protocol", "SASL_SSL", "kafka-streams.sasl.jaas.config",
                "x required;", "kafka-streams.consumer.max.poll.records", "500"), source.getProperties());
        assertEquals("SASL_SSL", source.getValue("kafka-streams.security.protocol"));
    }
}
