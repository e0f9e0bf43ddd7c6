package org.sigmavrate.streaming;

import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.domain.forecast.WindowForecast;

/** The two records published for one forecast window: one per output topic. */
public record ForecastOutput(InfilledTrajectory trajectory, DensityBands bands) implements FlightOutput {
    /**
     * @param specSha256 spec hash to publish when the forecaster reports none (the baselines)
     * @param trigger    why the forecast was made (a {@code Trigger} label), or null
     */
    public static ForecastOutput of(WindowForecast f, String specSha256, String trigger) {
        return new ForecastOutput(ForecastRecords.trajectory(f, specSha256, trigger),
                ForecastRecords.bands(f, specSha256, trigger));
    }
}
