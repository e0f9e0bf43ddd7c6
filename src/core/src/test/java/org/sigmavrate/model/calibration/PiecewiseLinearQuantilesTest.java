package org.sigmavrate.model.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.sigmavrate.model.density.CategoricalDensity;
import org.sigmavrate.model.density.PiecewiseLinearQuantiles;

class PiecewiseLinearQuantilesTest {
    @Test
    void crpsOfAUniformDistributionIsItsClosedForm() {
        PiecewiseLinearQuantiles u = new PiecewiseLinearQuantiles(new double[] {0, 1}, new double[] {0, 1});
        for (double y : new double[] {-0.5, 0, 0.3, 0.5, 0.9, 2}) {
            // E|X − y| − E|X − X'|/2, with E|X − X'| = 1/3 for U(0, 1)
            double absError = y < 0 ? 0.5 - y : y > 1 ? y - 0.5 : (y * y + (1 - y) * (1 - y)) / 2;
            assertEquals(absError - 1 / 6.0, u.crps(y), 1e-12, "y = " + y);
        }
        assertEquals(0.3, u.quantile(0.3), 1e-12);
    }

    @Test
    void crpsMatchesAFineDiscreteApproximationWithPointMassesAtTheEnds() {
        double[] levels = {0.1, 0.3, 0.5, 0.6, 0.9};
        double[] values = {-200, -50, 0, 0, 400};
        PiecewiseLinearQuantiles q = new PiecewiseLinearQuantiles(levels, values);
        int n = 200_000;
        double[] support = new double[n];
        double[] probs = new double[n];
        for (int i = 0; i < n; i++) {
            support[i] = q.quantile((i + 0.5) / n);
            probs[i] = 1.0 / n;
        }
        for (double y : new double[] {-500, -200, -120, 0, 33, 400, 1000}) {
            assertEquals(CategoricalDensity.crpsDiscrete(support, probs, y), q.crps(y), 1e-2, "y = " + y);
        }
        assertEquals(-200, q.quantile(0.05));
        assertEquals(400, q.quantile(0.95));
        assertEquals(0, q.median());
        assertEquals(10, q.shifted(10).median());
    }

    @Test
    void levelsMustAscendAndValuesMustNotDecrease() {
        assertThrows(IllegalArgumentException.class,
                () -> new PiecewiseLinearQuantiles(new double[] {0.5, 0.4}, new double[] {0, 1}));
        assertThrows(IllegalArgumentException.class,
                () -> new PiecewiseLinearQuantiles(new double[] {0.4, 0.5}, new double[] {1, 0}));
    }
}
