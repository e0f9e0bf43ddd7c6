package org.sigmavrate.tools.loadbench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Where the machine's CPU goes during a ladder step: this JVM's threads grouped by role (by thread name: the
 * generator and its producer, the service's stream threads and their clients, the inference threads, the bands
 * reader), the rest of this JVM (GC, JIT, admin client: the process total minus its named threads), the broker's JVM,
 * and the whole machine from {@code /proc/stat} (Linux), so that what other processes took shows too. A sample is
 * cumulative CPU seconds; the difference of two samples over their wall time is cores used.
 */
final class CpuShares {
    static final String GENERATOR = "generator";
    static final String STREAMS = "streams";
    static final String INFERENCE = "inference";
    static final String READER = "bands reader";
    static final String OTHER = "bench JVM other";
    static final String BROKER = "broker";

    /** Cumulative CPU seconds per role, the machine's busy and total jiffies (0 when unknown), at a wall time. */
    record Sample(long wallNanos, Map<String, Double> seconds, long machineBusy, long machineTotal) {
    }

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final long brokerPid;
    private final String streamsPrefix;

    /**
     * @param brokerPid     the broker's JVM, or -1 when it is not a child process
     * @param streamsPrefix the service's application id: its stream threads and their clients are named after it
     */
    CpuShares(long brokerPid, String streamsPrefix) {
        this.brokerPid = brokerPid;
        this.streamsPrefix = streamsPrefix;
        if (threads.isThreadCpuTimeSupported() && !threads.isThreadCpuTimeEnabled()) {
            threads.setThreadCpuTimeEnabled(true);
        }
    }

    /** The role of a thread of this JVM, from its name; null: not one of the named roles. */
    String role(String threadName) {
        if (threadName.startsWith("lb-generator") || threadName.contains(BenchKafka.GENERATOR_CLIENT)) {
            return GENERATOR;
        }
        if (threadName.startsWith("lb-inference")) {
            return INFERENCE;
        }
        if (threadName.startsWith("lb-bands") || threadName.contains(BandsReader.CLIENT)) {
            return READER;
        }
        if (threadName.contains(streamsPrefix)) {
            return STREAMS;
        }
        return null;
    }

    Sample sample() {
        Map<String, Double> s = new LinkedHashMap<>();
        for (String r : new String[] {GENERATOR, STREAMS, INFERENCE, READER, OTHER, BROKER}) {
            s.put(r, 0.0);
        }
        double named = 0;
        long[] ids = threads.getAllThreadIds();
        ThreadInfo[] infos = threads.getThreadInfo(ids);
        for (int i = 0; i < ids.length; i++) {
            if (infos[i] == null) {
                continue;
            }
            String role = role(infos[i].getThreadName());
            long nanos = threads.getThreadCpuTime(ids[i]);
            if (role != null && nanos > 0) {
                s.merge(role, nanos / 1e9, Double::sum);
                named += nanos / 1e9;
            }
        }
        double process = cpuSeconds(ProcessHandle.current());
        s.put(OTHER, Math.max(0, process - named));
        s.put(BROKER, brokerPid < 0 ? 0 : ProcessHandle.of(brokerPid).map(CpuShares::cpuSeconds).orElse(0.0));
        long[] machine = machine();
        return new Sample(System.nanoTime(), s, machine[0], machine[1]);
    }

    private static double cpuSeconds(ProcessHandle p) {
        return p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 1e9;
    }

    /** {busy, total} jiffies of all cores since boot; {0, 0} where /proc/stat cannot be read. */
    private static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            long idle = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                long v = Long.parseLong(f[i]);
                total += v;
                if (i == 4 || i == 5) { // idle, iowait
                    idle += v;
                }
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** Cores used per role between two samples. */
    static Map<String, Double> cores(Sample from, Sample to) {
        double wall = (to.wallNanos() - from.wallNanos()) / 1e9;
        Map<String, Double> out = new LinkedHashMap<>();
        for (var e : to.seconds().entrySet()) {
            out.put(e.getKey(), wall <= 0 ? 0 : (e.getValue() - from.seconds().getOrDefault(e.getKey(), 0.0)) / wall);
        }
        return out;
    }

    /** Cores busy on the whole machine between two samples; NaN where unknown. */
    static double machineCores(Sample from, Sample to) {
        long total = to.machineTotal() - from.machineTotal();
        if (total <= 0) {
            return Double.NaN;
        }
        return (double) (to.machineBusy() - from.machineBusy()) / total * Runtime.getRuntime().availableProcessors();
    }

    /** One line: cores per role, the machine's busy cores and what the bench's processes do not account for. */
    static String describe(Sample from, Sample to) {
        Map<String, Double> cores = cores(from, to);
        StringBuilder b = new StringBuilder("cpu (cores):");
        double ours = 0;
        for (var e : cores.entrySet()) {
            b.append(String.format(Locale.ROOT, " %s %.2f,", e.getKey(), e.getValue()));
            ours += e.getValue();
        }
        double machine = machineCores(from, to);
        if (Double.isNaN(machine)) {
            b.append(String.format(Locale.ROOT, " bench total %.2f", ours));
        } else {
            b.append(String.format(Locale.ROOT, " bench total %.2f; machine busy %.2f of %d (other processes %.2f)",
                    ours, machine, Runtime.getRuntime().availableProcessors(), Math.max(0, machine - ours)));
        }
        return b.toString();
    }
}
