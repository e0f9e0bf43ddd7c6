package org.sigmavrate.model.baseline;

import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;

/**
 * The unobserved steps between two consecutive observed steps whose altitudes are both known, and the mean rate
 * those altitudes imply: (alt_after - alt_before) / (t_after - t_before) in ft/min. An observed step is one with a
 * rate or an altitude. The integration rule behind it, shared by everything that uses a span: the altitude change
 * over the span's {@code after - before} grid intervals equals that many intervals at the mean rate of its hidden
 * steps (the altitude-difference baseline gives every hidden step exactly that mean).
 *
 * @param before   the observed step before the hidden ones
 * @param after    the observed step after them
 * @param meanRate ft/min
 */
public record AltitudeSpan(int before, int after, double meanRate) {
    public int firstHidden() {
        return before + 1;
    }

    public int hiddenSteps() {
        return after - before - 1;
    }

    /** Every span of the window with at least one hidden step, in step order. */
    public static List<AltitudeSpan> of(ObservedWindow window) {
        double stepMinutes = window.window().stepMillis() / 60_000.0;
        List<AltitudeSpan> spans = new ArrayList<>();
        int prev = -1;
        for (int s = 0; s < window.steps(); s++) {
            if (!window.observed(s, Channel.VERTICAL_RATE) && !window.observed(s, Channel.ALTITUDE)) {
                continue;
            }
            if (prev >= 0 && s - prev > 1 && window.observed(prev, Channel.ALTITUDE)
                    && window.observed(s, Channel.ALTITUDE)) {
                double meanRate = (window.value(s, Channel.ALTITUDE) - window.value(prev, Channel.ALTITUDE))
                        / ((s - prev) * stepMinutes);
                spans.add(new AltitudeSpan(prev, s, meanRate));
            }
            prev = s;
        }
        return spans;
    }
}
