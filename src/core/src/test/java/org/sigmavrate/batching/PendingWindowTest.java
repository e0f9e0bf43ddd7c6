package org.sigmavrate.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.grid.Channel;

class PendingWindowTest {
    @Test
    void aQueueSurvivesItsBytesAndEachWindowIsStillTheSameWindow() {
        List<PendingWindow> windows = RealTraffic.windows().subList(1, 40);
        List<PendingWindow> round = PendingWindow.decode(PendingWindow.encode(windows));
        assertEquals(windows.size(), round.size());
        for (int i = 0; i < windows.size(); i++) {
            PendingWindow a = windows.get(i);
            PendingWindow b = round.get(i);
            assertTrue(a.sameWindowAs(b));
            assertEquals(a.change(), b.change(), 0.0);
            assertEquals(a.queuedAtMs(), b.queuedAtMs());
            ObservedWindow wa = a.window();
            ObservedWindow wb = b.window();
            assertEquals(wa.icao24(), wb.icao24());
            assertEquals(wa.seed(), wb.seed());
            assertEquals(wa.window().dataSource(), wb.window().dataSource());
            assertEquals(wa.steps(), wb.steps());
            for (int s = 0; s < wa.steps(); s++) {
                assertEquals(wa.value(s, Channel.ALTITUDE), wb.value(s, Channel.ALTITUDE), 0.0);
                assertEquals(wa.value(s, Channel.VERTICAL_RATE), wb.value(s, Channel.VERTICAL_RATE), 0.0);
                assertEquals(wa.window().rateFlags(s), wb.window().rateFlags(s));
            }
        }
        PendingWindow first = windows.get(0);
        PendingWindow next = windows.stream().skip(1).filter(w -> w.icao24().equals(first.icao24())).findFirst()
                .orElseThrow();
        assertFalse(first.sameWindowAs(next), "two windows of " + first.icao24());
    }
}
