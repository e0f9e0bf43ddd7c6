package org.sigmavrate.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** Creates the service's topics when they are missing (the demo and tests; production clusters create their own). */
public final class TopicAdmin {
    private TopicAdmin() {
    }

    /** @return the topics created (those that existed are left as they are) */
    public static List<String> ensure(String bootstrap, StreamingSettings.Topics topics, int partitions, short replication)
            throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            List<String> fewRecords = List.of(topics.deadLetter(), topics.forecastFailures());
            for (String t : List.of(topics.input(), topics.trajectories(), topics.bands(), topics.deadLetter(),
                    topics.forecastFailures())) {
                if (!existing.contains(t)) {
                    missing.add(new NewTopic(t, fewRecords.contains(t) ? 1 : partitions, replication));
                }
            }
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
            }
            return missing.stream().map(NewTopic::name).toList();
        }
    }
}
