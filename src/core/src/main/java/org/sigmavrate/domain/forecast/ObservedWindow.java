package org.sigmavrate.domain.forecast;

import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;

/**
 * What a forecaster is asked about: one window of one flight on the grid, with the observed values (NaN where
 * nothing was observed) and the seed its random choices must use, so that a replay gives the same answer.
 *
 * @param icao24         the aircraft
 * @param window         the window: grid start, step, and observed values per step and channel
 * @param lastReportTime time of the latest report used; later steps are a forecast
 * @param seed           seed of every random choice made for this window
 * @param lastSeen       the aircraft's latest callsign and position, passed through to the outputs (not a model input)
 */
public record ObservedWindow(String icao24, GriddedFlight window, long lastReportTime, long seed, LastSeen lastSeen) {
    public ObservedWindow {
        lastSeen = lastSeen == null ? LastSeen.UNKNOWN : lastSeen;
    }

    /** A window of an aircraft whose callsign and position are not known (offline files, tests). */
    public ObservedWindow(String icao24, GriddedFlight window, long lastReportTime, long seed) {
        this(icao24, window, lastReportTime, seed, LastSeen.UNKNOWN);
    }

    public int steps() {
        return window.steps();
    }

    public boolean observed(int step, Channel channel) {
        return window.has(step, channel);
    }

    public double value(int step, Channel channel) {
        return window.value(step, channel);
    }
}
