package org.sigmavrate.streaming;

/** What {@link FlightProcessor} sends on: a window's forecast, or a window whose inference failed for good. */
public sealed interface FlightOutput permits ForecastOutput, ForecastFailure {
}
