import java.io.File;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * The codecs of two builds side by side: each build's {@link CodecBody} in its own class loader over that build's
 * packaged command line ({@code src/cli/target/quarkus-app/lib/main}), rounds alternating between the builds, the
 * thread's CPU time per call, best round of each after a warm-up round. Run by {@code bin/codec-bench}.
 *
 * <pre>java -cp CLASSES CodecBench OLD_QUARKUS_APP NEW_QUARKUS_APP CLASSES ROUNDS</pre>
 */
public class CodecBench {
    public static void main(String[] a) throws Exception {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] labels = {"old", "new"};
        Object[] bodies = new Object[2];
        for (int b = 0; b < 2; b++) {
            List<URL> urls = new ArrayList<>();
            urls.add(new File(a[2]).toURI().toURL());
            for (File f : new File(a[b], "lib/main").listFiles()) {
                urls.add(f.toURI().toURL());
            }
            ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
            bodies[b] = loader.loadClass("CodecBody").getConstructor().newInstance();
            System.out.println(labels[b] + ": " + bodies[b].getClass().getMethod("sizes").invoke(bodies[b]));
        }
        String[] ops = {"trackRoundTrip", "trackRoundTripLz4", "pendingRoundTrip", "bandsEncode"};
        int[] per = {20_000, 20_000, 20_000, 10_000};
        int rounds = Integer.parseInt(a[3]);
        double[][] best = new double[2][ops.length];
        for (double[] row : best) java.util.Arrays.fill(row, Double.MAX_VALUE);
        for (int r = 0; r < rounds; r++) {
            for (int o = 0; o < ops.length; o++) {
                for (int b = 0; b < 2; b++) {
                    var m = bodies[b].getClass().getMethod(ops[o], int.class);
                    long c0 = mx.getCurrentThreadCpuTime();
                    m.invoke(bodies[b], per[o]);
                    double ns = (mx.getCurrentThreadCpuTime() - c0) / (double) per[o];
                    if (r > 0) best[b][o] = Math.min(best[b][o], ns); // round 0 warms up
                }
            }
        }
        System.out.printf("%-18s %12s %12s %8s%n", "op (best of " + (rounds - 1) + ")", "old ns", "new ns", "new/old");
        for (int o = 0; o < ops.length; o++) {
            System.out.printf("%-18s %12.0f %12.0f %7.2fx%n", ops[o], best[0][o], best[1][o], best[1][o] / best[0][o]);
        }
    }
}
