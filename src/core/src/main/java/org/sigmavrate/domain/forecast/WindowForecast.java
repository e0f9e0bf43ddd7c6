package org.sigmavrate.domain.forecast;

import org.sigmavrate.domain.grid.Channel;

/**
 * A forecaster's answer for one window: both channels, and how much model work it took.
 *
 * @param request        the window asked about
 * @param modelId        id of the model that answered
 * @param specSha256     spec the model was trained with
 * @param quantileLevels probability levels of {@link ChannelForecast#quantiles()}, ascending
 * @param rate           vertical rate, ft/min
 * @param altitude       barometric altitude, ft
 * @param forwardCalls   model evaluations spent on this window (shared batched calls are counted once per window)
 */
public record WindowForecast(ObservedWindow request, String modelId, String specSha256, double[] quantileLevels,
        ChannelForecast rate, ChannelForecast altitude, int forwardCalls) {
    public ChannelForecast channel(Channel channel) {
        return channel == Channel.VERTICAL_RATE ? rate : altitude;
    }
}
