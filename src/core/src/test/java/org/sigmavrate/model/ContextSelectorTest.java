package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.spec.SpecLoader;

class ContextSelectorTest {
    private final GridDefinition grid = SpecLoader.bundled().grid();

    /** Positions of both channels of steps [from, to). */
    private static long[] steps(int from, int to) {
        return LongStream.range(from * 2L, to * 2L).toArray();
    }

    @Test
    void aDenseWindowKeepsTheStepsJustBeforeTheForecast() {
        long[] known = steps(0, 52);
        long[] unknown = steps(52, 64);
        long[] kept = new ContextSelector(grid, 32, 0).select(known, unknown);
        assertArrayEquals(steps(36, 52), kept, "the 16 steps before the first forecast step, in their order");
    }

    @Test
    void aGapKeepsTheStepsOnBothSidesOfIt() {
        long[] known = LongStream.concat(LongStream.of(steps(0, 20)), LongStream.of(steps(44, 64))).toArray();
        long[] unknown = steps(20, 44);
        long[] kept = new ContextSelector(grid, 16, 0).select(known, unknown);
        long[] expected = LongStream.concat(LongStream.of(steps(16, 20)), LongStream.of(steps(44, 48))).toArray();
        assertArrayEquals(expected, kept);
    }

    @Test
    void onATieTheLaterStepWinsAndTheGivenOrderIsKept() {
        // unknown step 10; known steps 9 and 11 are both one step away, only one position may stay
        long[] known = {23, 18, 22, 19, 0};
        long[] unknown = {20, 21};
        long[] kept = new ContextSelector(grid, 3, 0).select(known, unknown);
        assertArrayEquals(new long[] {23, 22, 19}, kept, "step 11 (both channels), then the later position of step 9, "
                + "in the order given: " + Arrays.toString(kept));
    }

    @Test
    void withinTheLimitOrWithoutALimitNothingIsDropped() {
        long[] known = steps(0, 10);
        assertSame(known, new ContextSelector(grid, 20, 0).select(known, steps(10, 12)));
        assertSame(known, new ContextSelector(grid, 0, 0).select(known, steps(10, 12)));
        assertSame(known, new ContextSelector(grid, 4, 0).select(known, new long[0]), "nothing asked: nothing to rank by");
        assertEquals(4, new ContextSelector(grid, 4, 0).select(known, steps(10, 12)).length);
        assertThrows(IllegalArgumentException.class, () -> new ContextSelector(grid, -1, 0));
    }

    @Test
    void aSpanKeepsAForecastWindowsLastStepsAndASpreadWindowsEveryObservation() {
        ContextSelector service = new ContextSelector(grid, 32, 7);
        // forecast: the 8 steps before the first forecast step (distances 1 to 8), 16 positions
        assertArrayEquals(steps(44, 52), service.select(steps(0, 52), steps(52, 64)));
        // observations spread among the unknown steps (every fourth step observed): each is one step from an unknown
        // one, so the span drops none; only the count limits them
        long[] spread = LongStream.range(0, 16).flatMap(i -> LongStream.of(8 * i, 8 * i + 1)).toArray();
        long[] unknown = LongStream.range(0, 128).filter(p -> (p / 2) % 4 != 0).toArray();
        assertSame(spread, service.select(spread, unknown), "16 steps, 32 positions, all within the span");
        // a forecast after a 20-step coverage gap: the nearest observation is 21 steps away, the span counts from it
        long[] afterGap = steps(0, 32);
        assertArrayEquals(steps(24, 32), service.select(afterGap, steps(52, 64)));
        assertThrows(IllegalArgumentException.class, () -> new ContextSelector(grid, 32, -1));
    }
}
