package org.sigmavrate.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

class FlightSplitterTest {
    @Test
    void fractionsHoldOverManyFlightsAndTheSplitIsStable() {
        FlightSplitter splitter = new FlightSplitter(7, 0.1, 0.2);
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        for (int i = 0; i < 20_000; i++) {
            counts.merge(splitter.splitOf("flight-" + i), 1, Integer::sum);
        }
        assertEquals(0.7, counts.get(Split.TRAIN) / 20_000.0, 0.015);
        assertEquals(0.1, counts.get(Split.VAL) / 20_000.0, 0.01);
        assertEquals(0.2, counts.get(Split.TEST) / 20_000.0, 0.015);
        assertEquals(splitter.splitOf("abc123-20200101T000000Z"),
                new FlightSplitter(7, 0.1, 0.2).splitOf("abc123-20200101T000000Z"));
    }

    @Test
    void theSeedChangesTheAssignment() {
        FlightSplitter a = new FlightSplitter(1, 0.5, 0);
        FlightSplitter b = new FlightSplitter(2, 0.5, 0);
        int differ = 0;
        for (int i = 0; i < 1000; i++) {
            if (a.splitOf("f" + i) != b.splitOf("f" + i)) {
                differ++;
            }
        }
        assertNotEquals(0, differ);
        assertEquals(500, differ, 80);
    }
}
