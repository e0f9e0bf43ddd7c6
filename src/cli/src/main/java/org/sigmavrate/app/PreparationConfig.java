package org.sigmavrate.app;

import org.eclipse.microprofile.config.ConfigProvider;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.preparation.PreparationSettings;

/**
 * The flight preparation of the commands that have no option for it ({@code infill}, {@code evaluate},
 * {@code calibrate}, {@code bench}): the service's own setting, so that these commands split flights as the service
 * does. {@code dataset} passes its {@code --max-gap-minutes} instead.
 */
final class PreparationConfig {
    static final String MAX_GAP_MINUTES = "forecaster.flight.max-gap-minutes";

    private PreparationConfig() {
    }

    /** @throws java.util.NoSuchElementException naming the key when the configuration lacks it */
    static PreparationSettings settings(Spec spec) {
        double minutes = ConfigProvider.getConfig().getValue(MAX_GAP_MINUTES, Double.class);
        return new PreparationSettings(spec, Math.round(minutes * 60_000));
    }
}
