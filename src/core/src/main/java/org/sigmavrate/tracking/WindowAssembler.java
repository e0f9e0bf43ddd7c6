package org.sigmavrate.tracking;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.Seeds;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.preparation.FlightPreparation;
import org.sigmavrate.preparation.PreparationSettings;
import org.sigmavrate.preparation.WindowPolicy;
import org.sigmavrate.preparation.WindowSpan;

/**
 * Turns a flight's track into the window a forecaster is asked about: the {@link WindowPolicy.Trailing} window at
 * the latest report, its reports cleaned, rates derived and placed by the same {@link FlightPreparation} as training
 * data.
 */
public final class WindowAssembler {
    /** Steps before the window whose reports are prepared too: the cleaner and the rate deriver need neighbours. */
    private static final int NEIGHBOUR_STEPS = 2;

    private final TrackRules rules;
    private final FlightPreparation preparation;
    private final WindowPolicy.Trailing policy;

    public WindowAssembler(Spec spec, TrackRules rules) {
        if (!rules.grid().equals(spec.grid())) {
            throw new IllegalArgumentException("the track rules' grid " + rules.grid() + " is not the spec's "
                    + spec.grid());
        }
        this.rules = rules;
        this.preparation = new FlightPreparation(new PreparationSettings(spec, rules.maxGapMillis()));
        this.policy = new WindowPolicy.Trailing(rules.horizonMillis(), rules.windowSteps());
    }

    public TrackRules rules() {
        return rules;
    }

    /** @return the window at the track's latest report, or null when cleaning left nothing */
    public ObservedWindow window(FlightTrack track, RejectionLedger ledger) {
        WindowSpan span = policy.span(rules.grid(), track.flightStart(), track.latest());
        Flight recent = preparation.stretch(track.flightId(),
                track.reportsFrom(span.startStep() - NEIGHBOUR_STEPS, rules.grid().stepMillis()), ledger);
        if (recent == null) {
            return null;
        }
        GriddedFlight window = preparation.place(recent, track.flightStart(), span);
        return new ObservedWindow(track.icao24(), window, track.latest(), Seeds.of(window), track.lastSeen());
    }
}
