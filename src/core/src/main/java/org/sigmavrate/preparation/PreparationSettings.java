package org.sigmavrate.preparation;

import org.sigmavrate.domain.spec.Spec;

/**
 * How flights are prepared: the spec gives the plausible ranges the cleaning keeps and the grid flights are placed on;
 * the gap limit where one aircraft's reports split into flights. No defaults here: each caller passes its own
 * setting (the command's option, the service's {@code forecaster.flight.max-gap-minutes}).
 *
 * @param spec         the grid and channel limits of the model
 * @param maxGapMillis a longer silence of one aircraft starts a new flight
 */
public record PreparationSettings(Spec spec, long maxGapMillis) {
    public PreparationSettings {
        if (spec == null) {
            throw new IllegalArgumentException("preparation needs a spec");
        }
        if (maxGapMillis <= 0) {
            throw new IllegalArgumentException("the gap limit must be positive");
        }
    }
}
