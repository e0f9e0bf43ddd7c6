package org.sigmavrate.dataset;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.Report;

/**
 * Recognises a flight already taken into the dataset, so that a recording present in two files (the same OpenSky
 * state vectors as Parquet and as CSV) is not trained on twice. A repeat has the same flight id and the same reports:
 * times, positions, altitudes and rates to the bit. Comparing content rather than file names keeps the rule general;
 * a copy whose values were rounded differently is not recognised, and is then a different recording for training.
 */
final class RepeatedFlights {
    private final Set<String> seen = new HashSet<>();

    /** True when an identical flight was offered before; otherwise remembers this one and returns false. */
    boolean isRepeat(Flight flight) {
        return !seen.add(fingerprint(flight));
    }

    static String fingerprint(Flight flight) {
        MessageDigest digest = sha256();
        digest.update(flight.id().getBytes(StandardCharsets.UTF_8));
        ByteBuffer report = ByteBuffer.allocate(6 * Long.BYTES);
        for (Report r : flight.reports()) {
            report.clear();
            report.putLong(r.timeMillis())
                    .putDouble(r.latitudeDeg())
                    .putDouble(r.longitudeDeg())
                    .putDouble(r.baroAltitudeFt())
                    .putDouble(r.geoAltitudeFt())
                    .putDouble(r.verticalRateFpm());
            digest.update(report.array());
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
