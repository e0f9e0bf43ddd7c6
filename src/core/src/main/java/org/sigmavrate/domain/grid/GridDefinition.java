package org.sigmavrate.domain.grid;

/**
 * The regular time grid flights are placed on.
 *
 * @param stepMillis  time between steps
 * @param windowSteps number of steps in a model window
 */
public record GridDefinition(long stepMillis, int windowSteps) {
    public GridDefinition {
        if (stepMillis <= 0 || windowSteps <= 0) {
            throw new IllegalArgumentException("grid step and window length must be positive");
        }
    }

    /** A sequence position of the model: one (step, channel) pair. */
    public int position(int step, Channel channel) {
        return step * Channel.COUNT + channel.ordinal();
    }

    public int positionCount() {
        return windowSteps * Channel.COUNT;
    }

    public int stepOf(int position) {
        return position / Channel.COUNT;
    }

    public Channel channelOf(int position) {
        return Channel.values()[position % Channel.COUNT];
    }
}
