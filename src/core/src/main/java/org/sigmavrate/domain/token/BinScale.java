package org.sigmavrate.domain.token;

import java.util.Arrays;

/**
 * A quantizer of one channel: bins given by their inner edges (the outermost bins are open-ended) and a
 * representative value per bin. Bin {@code i} covers {@code [innerEdges[i-1], innerEdges[i])}.
 */
public final class BinScale {
    private final double[] innerEdges;
    private final double[] values;

    public BinScale(double[] innerEdges, double[] values) {
        if (values.length != innerEdges.length + 1) {
            throw new IllegalArgumentException("a scale with " + innerEdges.length + " inner edges needs "
                    + (innerEdges.length + 1) + " values, got " + values.length);
        }
        for (int i = 1; i < innerEdges.length; i++) {
            if (!(innerEdges[i] > innerEdges[i - 1])) {
                throw new IllegalArgumentException("inner edges must increase strictly at index " + i);
            }
        }
        this.innerEdges = innerEdges.clone();
        this.values = values.clone();
    }

    public int size() {
        return values.length;
    }

    /** Index of the bin holding {@code value}; values exactly on an edge go to the upper bin. */
    public int bin(double value) {
        if (Double.isNaN(value)) {
            throw new IllegalArgumentException("cannot quantize NaN");
        }
        int found = Arrays.binarySearch(innerEdges, value);
        return found >= 0 ? found + 1 : -found - 1;
    }

    public double value(int bin) {
        return values[bin];
    }

    /** Lower edge of a bin; negative infinity for the first, open-ended bin. */
    public double lowerEdge(int bin) {
        return bin == 0 ? Double.NEGATIVE_INFINITY : innerEdges[bin - 1];
    }

    /** Upper edge of a bin; positive infinity for the last, open-ended bin. */
    public double upperEdge(int bin) {
        return bin == innerEdges.length ? Double.POSITIVE_INFINITY : innerEdges[bin];
    }

    public double quantize(double value) {
        return values[bin(value)];
    }
}
