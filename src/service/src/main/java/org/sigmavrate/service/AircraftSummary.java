package org.sigmavrate.service;

import java.util.List;

import org.sigmavrate.avro.v1.BandStep;
import org.sigmavrate.avro.v1.ChannelBand;
import org.sigmavrate.avro.v1.DensityBands;

/**
 * One line of the dashboard's list (and one server-sent event): what the latest bands say of an aircraft.
 *
 * @param callsign        the latest reported callsign, null when none
 * @param latitude        WGS84 latitude of the latest report with a position (null with longitude when none)
 * @param dataSource      provider of the flight's reports, e.g. opensky (null when not told)
 * @param altitudeFt      the last observed altitude (null when no step is observed)
 * @param verticalRateFpm the last observed vertical rate
 * @param lastReportTime  epoch ms of the latest report used
 * @param receivedAt      epoch ms at which this service read the bands from the topic: the page measures from it
 * @param steps           grid steps in the bands
 */
public record AircraftSummary(String icao24, String flightId, String callsign, Double latitude, Double longitude,
        String dataSource, String modelId, Double altitudeFt,
        Double verticalRateFpm, long lastReportTime, long receivedAt, int steps) {

    static AircraftSummary of(DensityBands b, long receivedAt) {
        int median = medianIndex(b.getQuantileLevels());
        Double altitude = null;
        Double rate = null;
        for (BandStep s : b.getSteps()) {
            altitude = observed(s.getAltitude(), median, altitude);
            rate = observed(s.getVerticalRate(), median, rate);
        }
        return new AircraftSummary(b.getIcao24(), b.getFlightId(), b.getCallsign(), b.getLastLatitudeDeg(),
                b.getLastLongitudeDeg(), b.getDataSource(), b.getModelId(), altitude, rate,
                b.getLastReportTime().toEpochMilli(), receivedAt, b.getSteps().size());
    }

    private static Double observed(ChannelBand c, int median, Double otherwise) {
        // an observed step's quantiles all equal the observed value
        return c.getObserved() && median < c.getQuantiles().size() ? c.getQuantiles().get(median) : otherwise;
    }

    private static int medianIndex(List<Double> levels) {
        int best = 0;
        for (int i = 1; i < levels.size(); i++) {
            if (Math.abs(levels.get(i) - 0.5) < Math.abs(levels.get(best) - 0.5)) {
                best = i;
            }
        }
        return best;
    }
}
