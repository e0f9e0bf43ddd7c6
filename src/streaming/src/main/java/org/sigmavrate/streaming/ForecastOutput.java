package org.sigmavrate.streaming;

import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.domain.forecast.WindowForecast;

/** The two records published for one forecast window: one per output topic. */
public record ForecastOutput(InfilledTrajectory trajectory, DensityBands bands) implements FlightOutput {
    /** @param specSha256 spec hash to publish when the forecaster reports none (the baselines) */
    public static ForecastOutput of(WindowForecast f, String specSha256) {
        return new ForecastOutput(ForecastRecords.trajectory(f, specSha256), ForecastRecords.bands(f, specSha256));
    }
}
