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
        long[] kept = new ContextSelector(grid, 32).select(known, unknown);
        assertArrayEquals(steps(36, 52), kept, "the 16 steps before the first forecast step, in their order");
    }

    @Test
    void aGapKeepsTheStepsOnBothSidesOfIt() {
        long[] known = LongStream.concat(LongStream.of(steps(0, 20)), LongStream.of(steps(44, 64))).toArray();
        long[] unknown = steps(20, 44);
        long[] kept = new ContextSelector(grid, 16).select(known, unknown);
        long[] expected = LongStream.concat(LongStream.of(steps(16, 20)), LongStream.of(steps(44, 48))).toArray();
        assertArrayEquals(expected, kept);
    }

    @Test
    void onATieTheLaterStepWinsAndTheGivenOrderIsKept() {
        // unknown step 10; known steps 9 and 11 are both one step away, only one position may stay
        long[] known = {23, 18, 22, 19, 0};
        long[] unknown = {20, 21};
        long[] kept = new ContextSelector(grid, 3).select(known, unknown);
        assertArrayEquals(new long[] {23, 22, 19}, kept, "step 11 (both channels), then the later position of step 9, "
                + "in the order given: " + Arrays.toString(kept));
    }

    @Test
    void withinTheLimitOrWithoutALimitNothingIsDropped() {
        long[] known = steps(0, 10);
        assertSame(known, new ContextSelector(grid, 20).select(known, steps(10, 12)));
        assertSame(known, new ContextSelector(grid, 0).select(known, steps(10, 12)));
        assertSame(known, new ContextSelector(grid, 4).select(known, new long[0]), "nothing asked: nothing to rank by");
        assertEquals(4, new ContextSelector(grid, 4).select(known, steps(10, 12)).length);
        assertThrows(IllegalArgumentException.class, () -> new ContextSelector(grid, -1));
    }
}
