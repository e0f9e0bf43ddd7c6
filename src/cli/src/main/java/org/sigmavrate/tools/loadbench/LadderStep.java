package org.sigmavrate.tools.loadbench;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** One ladder step's figures (rates and latencies over the step's second half). */
final class LadderStep {
    /** The trigger named by a record published because a report left the band of the aircraft's latest forecast. */
    static final String LEFT_BAND = "left-band";
    /** Issue 13's target: every aircraft's published forecast at most this old. */
    static final long AGE_TARGET_MILLIS = 60_000;

    /** One service instance's share of the step. */
    record InstanceFigures(int index, Set<Integer> partitions, double reportsPerSecond, double windowsPerSecond) {
    }

    final int n;
    final String policy;
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
    final long[] leftBandE2e;
    /** Ages of the aircraft that reported data throughout (the target), and of those with a coverage gap. */
    final BandsReader.Ages ages;
    final BandsReader.Ages agesWithGap;
    final TriggerCounts triggers;
    final long generatorBehindMillis;
    final String cpu;
    final List<InstanceFigures> instances;

    LadderStep(int n, String policy, long start, long end, double inRate, List<double[]> lag, double stretched,
            List<RecordingForecaster.Call> allCalls, List<BandsReader.Read> reads, BandsReader.Ages ages,
            BandsReader.Ages agesWithGap,
            TriggerCounts triggers, long generatorBehindMillis, String cpu, List<InstanceFigures> instances) {
        this.n = n;
        this.policy = policy;
        this.start = start;
        this.end = end;
        this.inRate = inRate;
        this.lag = lag;
        this.stretched = stretched;
        this.ages = ages;
        this.agesWithGap = agesWithGap;
        this.triggers = triggers;
        this.generatorBehindMillis = generatorBehindMillis;
        this.cpu = cpu;
        this.instances = instances;
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
        List<BandsReader.Read> inStep = new ArrayList<>();
        synchronized (reads) {
            for (BandsReader.Read r : reads) {
                if (r.receivedAt() >= start && r.receivedAt() < end) {
                    inStep.add(r);
                }
            }
        }
        e2e = inStep.stream().mapToLong(BandsReader.Read::latencyMillis).sorted().toArray();
        leftBandE2e = inStep.stream().filter(r -> LEFT_BAND.equals(r.trigger()))
                .mapToLong(BandsReader.Read::latencyMillis).sorted().toArray();
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
        return quantile(e2e, q);
    }

    double leftBandE2e(double q) {
        return quantile(leftBandE2e, q);
    }

    private static double quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))];
    }

    String verdict() {
        return atCadence() ? "at cadence" : lagBounded() ? "lag bounded, cadence stretched" : "LAG GROWING";
    }
}
