package org.sigmavrate.preparation;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.grid.GriddedFlight;

/**
 * One flight as the pipeline leaves it: its cleaned reports with derived rates, and those reports placed on the grid
 * from its first report (step 0 at the first report, the last step the one nearest the last report).
 *
 * @param flight the flight's reports
 * @param grid   the flight on the grid, over the steps its reports cover
 */
public record PreparedFlight(Flight flight, GriddedFlight grid) {
}
