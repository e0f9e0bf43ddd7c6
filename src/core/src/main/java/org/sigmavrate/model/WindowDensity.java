package org.sigmavrate.model;

import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.model.density.CategoricalDensity;

/**
 * The conditional densities of one window's unknown positions given its observed ones, from one forward pass.
 *
 * @param request      the window
 * @param knownOrder   known positions in the order fed to the model
 * @param knownTokens  their tokens
 * @param unknown      the unknown positions
 * @param byPosition   [position]: the density of an unknown position, null for known ones
 */
public record WindowDensity(org.sigmavrate.domain.forecast.ObservedWindow request, long[] knownOrder,
        long[] knownTokens, long[] unknown, CategoricalDensity[] byPosition) {
    public CategoricalDensity at(int step, Channel channel) {
        return byPosition[step * Channel.COUNT + channel.ordinal()];
    }
}
