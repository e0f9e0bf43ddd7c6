package org.sigmavrate.service;

import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateRestoreListener;

/**
 * The state stores being restored from their changelogs right now (Kafka Streams' restore listener for every store
 * of the instance; standby replicas are not reported here). An instance restoring an active task cannot answer for
 * that task's aircraft nor forecast for them: readiness waits for the restorations to end.
 */
public final class StateRestorations implements StateRestoreListener {
    /** "store partition" -> records left to restore */
    private final Map<String, Long> active = new TreeMap<>();

    private static String name(TopicPartition partition, String store) {
        return store + " " + partition.partition();
    }

    @Override
    public synchronized void onRestoreStart(TopicPartition partition, String store, long startOffset, long endOffset) {
        active.put(name(partition, store), Math.max(0, endOffset - startOffset));
    }

    @Override
    public synchronized void onBatchRestored(TopicPartition partition, String store, long batchEndOffset,
            long numRestored) {
        active.computeIfPresent(name(partition, store), (k, left) -> Math.max(0, left - numRestored));
    }

    @Override
    public synchronized void onRestoreEnd(TopicPartition partition, String store, long totalRestored) {
        active.remove(name(partition, store));
    }

    /** The task moved away or closed mid-restoration: it no longer restores here. */
    @Override
    public synchronized void onRestoreSuspended(TopicPartition partition, String store, long totalRestored) {
        active.remove(name(partition, store));
    }

    /** "store partition" -> records left (approximately), of each restoration in progress. */
    public synchronized Map<String, Long> active() {
        return Map.copyOf(active);
    }
}
