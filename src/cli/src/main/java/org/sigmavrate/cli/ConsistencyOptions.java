package org.sigmavrate.cli;

import org.sigmavrate.model.AltitudeConsistency;
import org.sigmavrate.model.AltitudeConsistentRates;

import picocli.CommandLine.Option;

/**
 * The altitude-consistency setting on the command line ({@code infill}, {@code calibrate}, {@code evaluate}), the
 * service's {@code forecaster.altitude-consistency.*}, whose values are the defaults.
 */
public class ConsistencyOptions {
    @Option(names = "--altitude-consistency", arity = "0..1", fallbackValue = "true", paramLabel = "true|false",
            description = {"publish the σ-GPT's rates shifted over each span between two known altitudes to agree",
                    "with the altitude change (estimate, mean, quantiles; before the calibrated bands; sample paths as",
                    "drawn), as the service's forecaster.altitude-consistency.enabled (default: ${DEFAULT-VALUE})"})
    @ConfigKey("forecaster.altitude-consistency.enabled")
    boolean enabled;

    @Option(names = "--consistency-band", paramLabel = "50|90",
            description = "the central band (percent) whose width shares out a span's altitude-consistent correction "
                    + "over its hidden steps (default: ${DEFAULT-VALUE})")
    @ConfigKey("forecaster.altitude-consistency.band")
    int band;

    @Option(names = "--consistency-share", paramLabel = "width|variance",
            description = "how a span's correction is shared among its steps: width (in proportion to the band width) "
                    + "or variance (to its square, as Gaussian conditioning on the span's sum would) "
                    + "(default: ${DEFAULT-VALUE})")
    @ConfigKey("forecaster.altitude-consistency.share")
    String share;

    @Option(names = "--consistency-altitude-noise", paramLabel = "FT",
            description = "with the variance share: standard deviation (ft) of an observed altitude difference; 0 makes "
                    + "the span's altitude change a hard constraint (default: ${DEFAULT-VALUE})")
    @ConfigKey("forecaster.altitude-consistency.altitude-noise-ft")
    double altitudeNoiseFt;

    /** @throws IllegalArgumentException naming the option that is wrong */
    AltitudeConsistency setting() {
        AltitudeConsistentRates.Band b;
        try {
            b = AltitudeConsistentRates.Band.ofPercent(band);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--consistency-band: " + e.getMessage());
        }
        try {
            return new AltitudeConsistency(enabled, b, AltitudeConsistentRates.Share.parse(share), altitudeNoiseFt);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--consistency-share / --consistency-altitude-noise: " + e.getMessage());
        }
    }
}
