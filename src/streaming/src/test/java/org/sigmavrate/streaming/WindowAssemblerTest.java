package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.Seeds;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.preparation.FlightPreparation;
import org.sigmavrate.preparation.PreparationSettings;
import org.sigmavrate.preparation.PreparedFlight;
import org.sigmavrate.preparation.WindowPolicy;

/**
 * The service's windows against the offline pipeline: a real flight replayed report by report through the track
 * gives, at every trigger, the {@link WindowPolicy.Trailing} window that the pipeline cuts from the reports so far,
 * with the same seed.
 */
class WindowAssemblerTest {
    private final Spec spec = SpecLoader.bundled();
    private final TrackRules rules = StreamingSettings.defaults(spec).rules();
    private final WindowAssembler assembler = new WindowAssembler(spec, rules);
    private final FlightPreparation preparation =
            new FlightPreparation(new PreparationSettings(spec, rules.maxGapMillis()));
    private final WindowPolicy.Trailing trailing = new WindowPolicy.Trailing(rules.horizonMillis());

    /** Per trigger: the service's window and the pipeline's window of the reports so far. */
    private List<ObservedWindow[]> replay(Path file) throws Exception {
        List<Report> reports = new ArrayList<>(FlightReaders.read(file).reports());
        reports.sort(Comparator.comparingLong(Report::timeMillis));
        FlightTrack track = new FlightTrack(reports.get(0).icao24());
        List<Report> soFar = new ArrayList<>();
        List<ObservedWindow[]> pairs = new ArrayList<>();
        for (Report r : reports) {
            assertEquals(track.icao24(), r.icao24(), "a one-aircraft file");
            FlightTrack.Outcome outcome = track.accept(r, rules);
            soFar.add(r);
            if (outcome != FlightTrack.Outcome.TRIGGERED) {
                continue;
            }
            track.markTriggered();
            ObservedWindow service = assembler.window(track, new RejectionLedger());
            assertNotNull(service);
            List<PreparedFlight> flights = preparation.prepare(soFar, new RejectionLedger());
            PreparedFlight current = flights.get(flights.size() - 1);
            GriddedFlight offline = preparation.window(current, trailing.spans(current, spec.grid()).get(0));
            pairs.add(new ObservedWindow[] {service,
                    new ObservedWindow(r.icao24(), offline, current.flight().endMillis(), Seeds.of(offline))});
        }
        return pairs;
    }

    @Test
    void theServiceWindowIsThePipelinesTrailingWindowWithTheSameSeed() throws Exception {
        List<ObservedWindow[]> pairs = replay(Path.of("data/flights/traffic/calibration/munich.json.gz"));
        assertTrue(pairs.size() > 1000, "triggers: " + pairs.size());
        for (ObservedWindow[] pair : pairs) {
            ObservedWindow service = pair[0];
            ObservedWindow offline = pair[1];
            assertEquals(offline.window().flightId(), service.window().flightId());
            assertEquals(offline.window().startMillis(), service.window().startMillis());
            assertEquals(offline.steps(), service.steps());
            assertEquals(offline.seed(), service.seed());
            for (int s = 0; s < service.steps(); s++) {
                for (Channel c : Channel.values()) {
                    double expected = offline.value(s, c);
                    // the track keeps values as floats
                    assertEquals(expected, service.value(s, c), Double.isNaN(expected) ? 0 : Math.ulp((float) expected),
                            c + " at step " + s + " of " + service.window().flightId());
                }
            }
        }
    }

    @Test
    void seedsAgreeEvenWhereTheServiceCleansFewerNeighbours() throws Exception {
        // the track keeps one report per step and the recent steps only, so a rate derived at a window's edge may
        // differ from one derived over the whole flight; the window and its seed do not
        for (ObservedWindow[] pair : replay(Path.of("data/flights/traffic/featured/elal747.json.gz"))) {
            assertEquals(pair[1].window().startMillis(), pair[0].window().startMillis());
            assertEquals(pair[1].seed(), pair[0].seed());
        }
    }

    @Test
    void tracksOnAnotherGridThanTheSpecsAreRefused() {
        GridDefinition other = new GridDefinition(spec.grid().stepMillis() * 2, spec.grid().windowSteps());
        TrackRules onOther = new TrackRules(other, rules.horizonMillis(), rules.cadenceMillis(), rules.graceMillis(),
                rules.maxGapMillis(), rules.minReports());
        assertThrows(IllegalArgumentException.class, () -> new WindowAssembler(spec, onOther));
    }
}
