package org.sigmavrate.model.eval;

import org.sigmavrate.domain.grid.GriddedFlight;

/**
 * One evaluation window ({@code WindowPolicy.Evaluation}): 64 consecutive grid steps of a flight, every one with a
 * true rate.
 *
 * @param truth     the window on the grid (rates and altitudes as placed)
 * @param startStep its first step within the flight's grid
 * @param index     its index among all evaluation windows, in file order
 */
public record EvalWindow(GriddedFlight truth, int startStep, int index) {
}
