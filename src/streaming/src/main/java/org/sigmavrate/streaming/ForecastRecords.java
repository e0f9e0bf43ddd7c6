package org.sigmavrate.streaming;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.avro.v1.BandStep;
import org.sigmavrate.avro.v1.ChannelBand;
import org.sigmavrate.avro.v1.ChannelStep;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.avro.v1.TrajectoryStep;
import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.Channel;

/** Maps a forecaster's answer to the two output records (Avro, schema version 3). */
public final class ForecastRecords {
    private ForecastRecords() {
    }

    /**
     * @param specSha256 spec hash to publish when the forecaster reports none (the baselines)
     * @param trigger    why the forecast was made ({@code Trigger#label()}), or null
     */
    public static InfilledTrajectory trajectory(WindowForecast f, String specSha256, String trigger) {
        ObservedWindow w = f.request();
        int steps = w.steps();
        int paths = f.rate().samples().length;
        List<TrajectoryStep> out = new ArrayList<>(steps);
        for (int s = 0; s < steps; s++) {
            out.add(new TrajectoryStep(Instant.ofEpochMilli(w.window().timeOf(s)), channelStep(f.rate(), s),
                    channelStep(f.altitude(), s)));
        }
        return new InfilledTrajectory(w.icao24(), w.window().flightId(), f.modelId(), spec(f, specSha256),
                Instant.ofEpochMilli(w.window().startMillis()), (int) w.window().stepMillis(),
                Instant.ofEpochMilli(w.lastReportTime()), out, paths, w.seed(), w.lastSeen().callsign(),
                latitude(w), longitude(w), w.window().dataSource(), trigger);
    }

    public static DensityBands bands(WindowForecast f, String specSha256, String trigger) {
        ObservedWindow w = f.request();
        int steps = w.steps();
        List<BandStep> out = new ArrayList<>(steps);
        for (int s = 0; s < steps; s++) {
            out.add(new BandStep(Instant.ofEpochMilli(w.window().timeOf(s)), channelBand(f.channel(Channel.VERTICAL_RATE), s),
                    channelBand(f.channel(Channel.ALTITUDE), s)));
        }
        return new DensityBands(w.icao24(), w.window().flightId(), f.modelId(), spec(f, specSha256),
                Instant.ofEpochMilli(w.window().startMillis()), (int) w.window().stepMillis(),
                Instant.ofEpochMilli(w.lastReportTime()), boxed(f.quantileLevels()), out, w.lastSeen().callsign(),
                latitude(w), longitude(w), w.window().dataSource(), trigger);
    }

    private static Double latitude(ObservedWindow w) {
        return w.lastSeen().hasPosition() ? w.lastSeen().latitudeDeg() : null;
    }

    private static Double longitude(ObservedWindow w) {
        return w.lastSeen().hasPosition() ? w.lastSeen().longitudeDeg() : null;
    }

    private static String spec(WindowForecast f, String fallback) {
        return f.specSha256() == null || f.specSha256().isEmpty() ? fallback : f.specSha256();
    }

    private static ChannelStep channelStep(ChannelForecast c, int s) {
        List<Double> samples = new ArrayList<>(c.samples().length);
        for (double[] path : c.samples()) {
            samples.add(path[s]);
        }
        return new ChannelStep(c.observed()[s], c.observed()[s] ? c.values()[s] : null, c.estimate()[s], samples);
    }

    private static ChannelBand channelBand(ChannelForecast c, int s) {
        return new ChannelBand(c.observed()[s], boxed(c.quantiles()[s]), c.mean()[s]);
    }

    private static List<Double> boxed(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
