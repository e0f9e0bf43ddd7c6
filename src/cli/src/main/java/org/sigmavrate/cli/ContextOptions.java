package org.sigmavrate.cli;

import org.sigmavrate.model.ForecastSettings;

import picocli.CommandLine.Option;

/**
 * Which observed positions a window is conditioned on, for the commands that run the σ-GPT offline (evaluate, infill,
 * calibrate) as the service does: defaults from {@code forecaster.max-known-positions} and
 * {@code forecaster.max-known-span-steps} (ContextSelector).
 */
public class ContextOptions {
    @ConfigKey("forecaster.max-known-positions")
    @Option(names = "--max-known",
            description = "condition the σ-GPT on at most this many observed positions per window, those nearest to the "
                    + "hidden ones (the service's forecaster.max-known-positions); 0: all (default: ${DEFAULT-VALUE})")
    int maxKnown;

    @ConfigKey("forecaster.max-known-span-steps")
    @Option(names = "--max-known-span", paramLabel = "STEPS",
            description = "of those, only the ones at most this many steps farther from the hidden steps than the "
                    + "nearest observed one (the service's forecaster.max-known-span-steps); 0: no such limit "
                    + "(default: ${DEFAULT-VALUE})")
    int maxKnownSpan;

    /** What is wrong with the values, for the command to print before it starts; null when nothing is. */
    public String invalid() {
        return maxKnown < 0 || maxKnownSpan < 0 ? "--max-known and --max-known-span must be >= 0 (0: no limit)" : null;
    }

    /** {@code settings} with these limits. */
    public ForecastSettings applyTo(ForecastSettings settings) {
        return settings.withMaxKnown(maxKnown).withMaxKnownSpan(maxKnownSpan);
    }

    public int maxKnown() {
        return maxKnown;
    }

    public int maxKnownSpan() {
        return maxKnownSpan;
    }
}
