package org.sigmavrate.model.baseline;

/** Filling NaN gaps of a series from its known values. */
final class Interpolation {
    private Interpolation() {
    }

    /** Linear between known values, flat beyond the first and last; all NaN when nothing is known. */
    static double[] linear(double[] known) {
        int n = known.length;
        double[] out = new double[n];
        int prev = -1;
        for (int s = 0; s < n; s++) {
            if (!Double.isNaN(known[s])) {
                if (prev < 0) {
                    for (int k = 0; k < s; k++) {
                        out[k] = known[s];
                    }
                } else {
                    for (int k = prev + 1; k < s; k++) {
                        double f = (k - prev) / (double) (s - prev);
                        out[k] = known[prev] + f * (known[s] - known[prev]);
                    }
                }
                out[s] = known[s];
                prev = s;
            }
        }
        for (int k = prev + 1; k < n; k++) {
            out[k] = prev < 0 ? Double.NaN : known[prev];
        }
        return out;
    }

    /** The last known value at or before each step; before the first known value, the first. */
    static double[] persistence(double[] known) {
        int n = known.length;
        double[] out = new double[n];
        double last = Double.NaN;
        for (int s = 0; s < n; s++) {
            if (!Double.isNaN(known[s])) {
                last = known[s];
            }
            out[s] = last;
        }
        int first = 0;
        while (first < n && Double.isNaN(known[first])) {
            first++;
        }
        for (int s = 0; s < first && first < n; s++) {
            out[s] = known[first];
        }
        return out;
    }
}
