package org.sigmavrate.domain.forecast;

import java.util.List;

/**
 * Infills and forecasts windows. Implementations batch the windows of one call into as few model evaluations as
 * they can, and are deterministic for the same windows and seeds.
 */
public interface WindowForecaster extends AutoCloseable {
    List<WindowForecast> forecast(List<ObservedWindow> windows);

    String modelId();

    String specSha256();

    @Override
    default void close() {
    }
}
