package org.sigmavrate.service;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.streams.Topology;

import io.quarkus.kafka.streams.runtime.KafkaStreamsTopologyManager;

/**
 * The topics a topology reads that it does not write itself (the input topic; repartition topics are Kafka Streams'
 * own), and which of them the broker lacks: Kafka Streams started without one fails every stream thread with
 * {@code MissingSourceTopicException}, again after each replacement.
 */
public final class SourceTopics implements AutoCloseable {
    private final Admin admin;
    private final List<String> names;
    private final List<Pattern> patterns;
    private final Duration timeout;

    /** @param admin closed with this */
    public SourceTopics(Admin admin, Topology topology, Duration timeout) {
        Set<String> topics = new TreeSet<>();
        Set<Pattern> found = new HashSet<>();
        // the extension's own reading of a topology's sources, the one its topics wait and check used
        KafkaStreamsTopologyManager.extractSources(topology, topics, found);
        this.admin = admin;
        this.names = List.copyOf(topics);
        this.patterns = List.copyOf(found);
        this.timeout = timeout;
    }

    /** The source topics' names, and the patterns' as written. */
    public List<String> all() {
        List<String> all = new ArrayList<>(names);
        patterns.forEach(p -> all.add(p.pattern()));
        return all;
    }

    /**
     * The source topics (and patterns that match none) the broker does not have, empty when all exist.
     *
     * @throws ExecutionException the broker did not answer the look-up
     * @throws TimeoutException no answer within the timeout
     */
    public Set<String> missing() throws InterruptedException, ExecutionException, TimeoutException {
        return missing(lookUp());
    }

    /**
     * Starts asking the broker which source topics it lacks, without waiting: a look-up started early runs beside
     * whatever the caller does next.
     */
    public KafkaFuture<Set<String>> lookUp() {
        return admin.listTopics().names().thenApply(this::missingAmong);
    }

    /** {@link #missing()} of a look-up already started, waited for within the timeout. */
    public Set<String> missing(KafkaFuture<Set<String>> lookUp)
            throws InterruptedException, ExecutionException, TimeoutException {
        return lookUp.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private Set<String> missingAmong(Set<String> existing) {
        Set<String> missing = new LinkedHashSet<>(names);
        missing.removeAll(existing);
        for (Pattern p : patterns) {
            if (existing.stream().noneMatch(p.asPredicate())) {
                missing.add(p.pattern());
            }
        }
        return missing;
    }

    @Override
    public void close() {
        admin.close(Duration.ZERO);
    }
}
