package org.sigmavrate.cli.plot;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;

/**
 * One flight's forecasts gathered for its fan chart: per channel and grid step the observed value (NaN where none),
 * the median and the ends of the 50% and 90% bands (NaN where the levels lack them), in time order. Steps come from
 * the infill windows up to the last report and from the window past it, which is the forecast.
 */
public final class FlightFan {
    /** One grid step of one channel. */
    public record Step(long timeMillis, double observed, double median, double lower50, double upper50,
            double lower90, double upper90) {
    }

    private final String flightId;
    private final String callsign;
    private final long lastReportMillis;
    private final Map<Channel, List<Step>> steps = new EnumMap<>(Channel.class);
    private String modelId;
    private long lastStepMillis = Long.MIN_VALUE;

    /** @param callsign the flight's callsign, null when its reports carry none */
    public FlightFan(String flightId, String callsign, long lastReportMillis) {
        this.flightId = flightId;
        this.callsign = callsign;
        this.lastReportMillis = lastReportMillis;
        for (Channel c : Channel.values()) {
            steps.put(c, new ArrayList<>());
        }
    }

    /** Adds the window's steps later than those already added (windows arrive in time order; later ones may overlap). */
    public void add(WindowForecast forecast) {
        modelId = forecast.modelId();
        BandLevels bands = BandLevels.of(forecast.quantileLevels());
        GriddedFlight g = forecast.request().window();
        long newest = lastStepMillis;
        for (int s = 0; s < g.steps(); s++) {
            long t = g.timeOf(s);
            if (t <= lastStepMillis) {
                continue;
            }
            newest = Math.max(newest, t);
            for (Channel c : Channel.values()) {
                ChannelForecast cf = forecast.channel(c);
                double[] q = cf.quantiles()[s];
                double median = cf.estimate()[s];
                steps.get(c).add(new Step(t, cf.observed()[s] ? cf.values()[s] : Double.NaN, median,
                        end(q, bands.lower50(), median), end(q, bands.upper50(), median),
                        end(q, bands.lower90(), median), end(q, bands.upper90(), median)));
            }
        }
        lastStepMillis = newest;
    }

    /** A band's end; at an observed step the forecaster may leave none, and the band closes on the median there. */
    private static double end(double[] q, int level, double median) {
        if (level < 0) {
            return Double.NaN;
        }
        return Double.isNaN(q[level]) ? median : q[level];
    }

    public String flightId() {
        return flightId;
    }

    public String callsign() {
        return callsign;
    }

    public String modelId() {
        return modelId;
    }

    public long lastReportMillis() {
        return lastReportMillis;
    }

    public List<Step> steps(Channel channel) {
        return List.copyOf(steps.get(channel));
    }

    public boolean isEmpty() {
        return steps.get(Channel.VERTICAL_RATE).isEmpty();
    }
}
