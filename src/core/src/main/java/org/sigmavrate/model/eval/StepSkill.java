package org.sigmavrate.model.eval;

import org.sigmavrate.model.density.PiecewiseLinearQuantiles;

/**
 * How one published vertical-rate fan did at one step once its truth was known: the absolute error of its median,
 * the CRPS of the fan read as a piecewise-linear quantile function ({@link PiecewiseLinearQuantiles}, the
 * definition {@code evaluate} uses for a distribution given by quantiles), and whether its central 50% (25%–75%) and
 * 90% (5%–95%) intervals held the truth, bounds included, as {@link Metrics} counts them.
 */
public record StepSkill(SkillHorizon horizon, double truth, double median, double absError, double crps,
        boolean in50, boolean in90) {

    /** @param levels the fan's quantile levels, ascending; @param quantiles its values at them (ft/min) */
    public static StepSkill of(SkillHorizon horizon, double[] levels, double[] quantiles, double truth) {
        PiecewiseLinearQuantiles fan = new PiecewiseLinearQuantiles(levels, quantiles);
        double median = fan.median();
        return new StepSkill(horizon, truth, median, Math.abs(median - truth), fan.crps(truth),
                inside(fan, 0.25, 0.75, truth), inside(fan, 0.05, 0.95, truth));
    }

    private static boolean inside(PiecewiseLinearQuantiles fan, double lo, double hi, double truth) {
        return truth >= fan.quantile(lo) && truth <= fan.quantile(hi);
    }
}
