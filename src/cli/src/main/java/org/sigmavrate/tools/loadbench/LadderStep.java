package org.sigmavrate.tools.loadbench;

import java.util.List;

/** One ladder step's figures. */
final class LadderStep {
    final int n;
    final long start;
    final long end;
    final double inRate;
    final List<double[]> lag;
    final double stretched;
    final int calls;
    final long windows;
    final long maxWindows;
    final long forward;
    final long windowSteps;
    final long[] e2e;

    LadderStep(int n, long start, long end, double inRate, List<double[]> lag, double stretched,
            List<RecordingForecaster.Call> allCalls, List<long[]> latencies) {
        this.n = n;
        this.start = start;
        this.end = end;
        this.inRate = inRate;
        this.lag = lag;
        this.stretched = stretched;
        int c = 0;
        long w = 0;
        long max = 0;
        long fwd = 0;
        long ws = 0;
        for (RecordingForecaster.Call call : allCalls) {
            if (call.endMillis() >= start && call.endMillis() < end) {
                c++;
                fwd += call.forwardCalls();
                ws += call.windowSteps();
                w += call.windows();
                max = Math.max(max, call.windows());
            }
        }
        calls = c;
        windows = w;
        maxWindows = max;
        forward = fwd;
        windowSteps = ws;
        synchronized (latencies) {
            e2e = latencies.stream().filter(l -> l[0] >= start && l[0] < end).mapToLong(l -> l[1]).sorted().toArray();
        }
    }

    double seconds() {
        return (end - start) / 1000.0;
    }

    double windowsPerCall() {
        return calls == 0 ? 0 : (double) windows / calls;
    }

    double windowsPerSecond() {
        return windows / seconds();
    }

    double lagStart() {
        return lag.get(lag.size() / 2)[1];
    }

    double lagEnd() {
        return lag.get(lag.size() - 1)[1];
    }

    double lagMax() {
        return lag.stream().mapToDouble(l -> l[1]).max().orElse(0);
    }

    /** Least-squares slope of the lag over the step's second half, reports per second. */
    double lagSlope() {
        List<double[]> half = lag.subList(lag.size() / 2, lag.size());
        double mx = half.stream().mapToDouble(l -> l[0]).average().orElse(0);
        double my = half.stream().mapToDouble(l -> l[1]).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (double[] l : half) {
            sxy += (l[0] - mx) * (l[1] - my);
            sxx += (l[0] - mx) * (l[0] - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx;
    }

    /** Lag bounded: it does not grow by more than 2% of the input rate, and stays under 3 s of input. */
    boolean lagBounded() {
        return lagSlope() < 0.02 * Math.max(inRate, 1) && lagEnd() < 3 * Math.max(inRate, 1);
    }

    boolean atCadence() {
        return lagBounded() && stretched == 0;
    }

    double e2e(double q) {
        if (e2e.length == 0) {
            return Double.NaN;
        }
        return e2e[Math.min(e2e.length - 1, (int) Math.floor(q * e2e.length))];
    }

    String verdict() {
        return atCadence() ? "at cadence" : lagBounded() ? "lag bounded, cadence stretched" : "LAG GROWING";
    }
}
