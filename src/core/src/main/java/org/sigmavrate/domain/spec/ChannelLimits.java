package org.sigmavrate.domain.spec;

/** Physically possible values of a channel; anything outside is a glitch and is rejected. */
public record ChannelLimits(double min, double max) {
    public boolean allows(double value) {
        return value >= min && value <= max;
    }
}
