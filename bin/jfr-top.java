import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a thread's CPU went in a JFR recording: the share of its execution samples (jdk.ExecutionSample, Java code
 * on the CPU) per method, on top of the stack (self) and anywhere in it (inclusive, once per sample).
 *
 * <pre>java bin/jfr-top.java RECORDING.jfr THREAD_NAME_REGEX LAST_SECONDS [TOP]</pre>
 * e.g. {@code java bin/jfr-top.java run.jfr '.*-StreamThread-[0-9]+' 100 30}: the stream threads' samples (not
 * their clients' network threads) of the last 100 s of the recording.
 */
public class JfrTop {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java bin/jfr-top.java RECORDING.jfr THREAD_NAME_REGEX LAST_SECONDS [TOP]");
            System.exit(2);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(Path.of(args[0]));
        Pattern thread = Pattern.compile(args[1]);
        long lastSeconds = Long.parseLong(args[2]);
        int top = args.length > 3 ? Integer.parseInt(args[3]) : 30;
        Instant end = Instant.MIN;
        for (RecordedEvent e : events) {
            if (e.getStartTime().isAfter(end)) {
                end = e.getStartTime();
            }
        }
        Instant from = end.minusSeconds(lastSeconds);
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> inclusive = new HashMap<>();
        int n = 0;
        for (RecordedEvent e : events) {
            if (!e.getEventType().getName().equals("jdk.ExecutionSample") || e.getStartTime().isBefore(from)) {
                continue;
            }
            RecordedThread t = e.getThread("sampledThread");
            RecordedStackTrace stack = e.getStackTrace();
            if (t == null || t.getJavaName() == null || !thread.matcher(t.getJavaName()).matches() || stack == null
                    || stack.getFrames().isEmpty()) {
                continue;
            }
            n++;
            self.merge(name(stack.getFrames().get(0)), 1, Integer::sum);
            Set<String> seen = new HashSet<>();
            for (RecordedFrame f : stack.getFrames()) {
                if (seen.add(name(f))) {
                    inclusive.merge(name(f), 1, Integer::sum);
                }
            }
        }
        System.out.printf("%,d execution samples of threads %s in the last %d s of %s%n", n, thread, lastSeconds,
                args[0]);
        print("self", self, n, top);
        print("inclusive", inclusive, n, 2 * top);
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int n, int top) {
        System.out.println("-- " + title);
        counts.entrySet().stream().sorted((x, y) -> y.getValue() - x.getValue()).limit(top)
                .forEach(e -> System.out.printf("%6.1f%%  %s%n", 100.0 * e.getValue() / Math.max(1, n), e.getKey()));
    }
}
