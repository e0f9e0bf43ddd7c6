package org.sigmavrate.tools.loadbench;

import java.time.Duration;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;
import org.sigmavrate.batching.InferencePool;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.streaming.AvroFormat;
import org.sigmavrate.streaming.ForecastTopology;
import org.sigmavrate.streaming.StreamingMetrics;
import org.sigmavrate.streaming.StreamingSettings;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * One instance of the service in this JVM, as {@code serve} runs it: the topology on its own Kafka Streams client
 * (its own state folder; the application id it is given, so that instances sharing it share the input's
 * partitions), its own metrics, its own inference threads, and the forecaster it is given wrapped in a
 * {@link RecordingForecaster} of its own (what this instance forecast).
 */
final class ServiceInstance implements AutoCloseable {
    final int index;
    final StreamingMetrics metrics = new StreamingMetrics(new SimpleMeterRegistry());
    final RecordingForecaster recording;
    private final InferencePool inference;
    private final KafkaStreams streams;
    private final String inputTopic;

    /** Builds and starts the instance (it has not necessarily joined the group yet: {@link #awaitRunning}). */
    ServiceInstance(int index, StreamingSettings settings, Spec spec, WindowForecaster forecaster, int inferenceThreads,
            Properties streamsProps) {
        this.index = index;
        this.recording = new RecordingForecaster(forecaster, 200);
        this.inference = new InferencePool(inferenceThreads, "lb-inference-" + index);
        this.inputTopic = settings.topics().input();
        this.streams = new KafkaStreams(ForecastTopology.build(settings, spec, recording, AvroFormat.singleObject(),
                metrics, inference), streamsProps);
        streams.start();
    }

    void awaitRunning() throws InterruptedException {
        BenchKafka.awaitRunning(streams);
    }

    KafkaStreams.State state() {
        return streams.state();
    }

    /** The input topic's partitions whose active tasks this instance runs now. */
    Set<Integer> inputPartitions() {
        Set<Integer> out = new TreeSet<>();
        for (ThreadMetadata t : streams.metadataForLocalThreads()) {
            t.activeTasks().forEach(task -> {
                for (TopicPartition tp : task.topicPartitions()) {
                    if (tp.topic().equals(inputTopic)) {
                        out.add(tp.partition());
                    }
                }
            });
        }
        return out;
    }

    /** Reports this instance has consumed from the input so far. */
    double reportsIn() {
        return metrics.count("sigmavrate.records.in", null, null);
    }

    /** Windows this instance has forecast so far. */
    long windows() {
        return recording.calls().stream().mapToLong(RecordingForecaster.Call::windows).sum();
    }

    @Override
    public void close() throws InterruptedException {
        streams.close(Duration.ofSeconds(30));
        inference.shutdown();
        inference.awaitTermination(60, TimeUnit.SECONDS);
    }
}
