package org.sigmavrate.dataset;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Assigns whole flights to splits from a hash of (seed, flight id): the same flight lands in the same split
 * whatever the input order, and no window of a validation or test flight is ever trained on.
 */
public final class FlightSplitter {
    private final long seed;
    private final double valFraction;
    private final double testFraction;

    public FlightSplitter(long seed, double valFraction, double testFraction) {
        if (valFraction < 0 || testFraction < 0 || valFraction + testFraction >= 1) {
            throw new IllegalArgumentException("validation and test fractions must be >= 0 and sum below 1");
        }
        this.seed = seed;
        this.valFraction = valFraction;
        this.testFraction = testFraction;
    }

    public Split splitOf(String flightId) {
        double u = uniform(flightId);
        if (u < testFraction) {
            return Split.TEST;
        }
        return u < testFraction + valFraction ? Split.VAL : Split.TRAIN;
    }

    private double uniform(String flightId) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            sha.update(flightId.getBytes(StandardCharsets.UTF_8));
            long bits = ByteBuffer.wrap(sha.digest()).getLong() >>> 11;
            return bits / (double) (1L << 53);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
