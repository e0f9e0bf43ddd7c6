package org.sigmavrate.tools.loadbench;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.eclipse.microprofile.config.ConfigProvider;
import org.sigmavrate.config.KafkaStreamsProperties;

/** The load bench's Kafka clients, topics and Kafka Streams settings on its broker. */
final class BenchKafka {
    /** The load generator's producer client id (its network thread is named after it). */
    static final String GENERATOR_CLIENT = "sigma-vrate-load-bench";

    private BenchKafka() {
    }

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    static void createTopics(String bootstrap, int partitions, String... names) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            List<NewTopic> topics = new ArrayList<>();
            for (String n : names) {
                topics.add(new NewTopic(n, partitions, (short) 1));
            }
            admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.CLIENT_ID_CONFIG, GENERATOR_CLIENT);
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** One app's settings: the service's, with its own id, state folder and guarantee, reading from the start. */
    static Properties streamsProps(String bootstrap, String appId, String guarantee) throws Exception {
        Properties p = streamsConfig(bootstrap);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, appId);
        p.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("sigma-vrate-lb").toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, "1");
        p.remove(StreamsConfig.APPLICATION_SERVER_CONFIG);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return p;
    }

    /** The service's Kafka Streams settings (kafka-streams.*, the topology's tuning) on the benchmark's broker. */
    static Properties streamsConfig(String bootstrap) {
        Properties p = KafkaStreamsProperties.of(ConfigProvider.getConfig());
        p.putIfAbsent(StreamsConfig.APPLICATION_ID_CONFIG, "sigma-vrate-load-bench");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return p;
    }

    static void awaitRunning(KafkaStreams streams) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
                throw new IllegalStateException("kafka streams did not reach RUNNING: " + streams.state());
            }
            Thread.sleep(100);
        }
    }

    /** Consumer lag of a group on a topic of {@code partitions} partitions: end offsets minus committed offsets. */
    static double lag(Admin admin, String group, String topic, int partitions) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> ask = new HashMap<>();
        for (int i = 0; i < partitions; i++) {
            ask.put(new TopicPartition(topic, i), OffsetSpec.latest());
        }
        long lag = 0;
        for (var e : admin.listOffsets(ask).all().get(10, TimeUnit.SECONDS).entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            lag += e.getValue().offset() - (c == null ? 0 : c.offset());
        }
        return lag;
    }

    static String label(String guarantee) {
        return StreamsConfig.AT_LEAST_ONCE.equals(guarantee) ? "ALOS" : "EOS v2";
    }
}
