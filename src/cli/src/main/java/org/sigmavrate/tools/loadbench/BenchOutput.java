package org.sigmavrate.tools.loadbench;

import java.util.Locale;

/** The load bench's report lines, on standard output, flushed at once so that a long run shows its progress. */
final class BenchOutput {
    private BenchOutput() {
    }

    static void out(String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
