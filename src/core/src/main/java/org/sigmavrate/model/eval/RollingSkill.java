package org.sigmavrate.model.eval;

import java.util.EnumMap;
import java.util.Map;

/**
 * The live skill of the last {@link #WINDOW_MILLIS} of wall-clock time, per {@link SkillHorizon}: sums kept in
 * one-minute slices, so a figure covers the last 9 to 10 minutes. Thread-safe: the stream threads add, the service's
 * {@code /skill} reads.
 */
public final class RollingSkill {
    public static final long WINDOW_MILLIS = 600_000;
    private static final long SLICE_MILLIS = 60_000;
    private static final int SLICES = (int) (WINDOW_MILLIS / SLICE_MILLIS);

    /** One horizon's figures over the window; NaN figures when no step was scored. */
    public record Figures(long steps, double maeFpm, double crpsFpm, double coverage50, double coverage90) {
    }

    private static final class Slice {
        long index = Long.MIN_VALUE;
        long steps;
        double absError;
        double crps;
        long in50;
        long in90;
    }

    private final Map<SkillHorizon, Slice[]> slices = new EnumMap<>(SkillHorizon.class);

    public RollingSkill() {
        for (SkillHorizon h : SkillHorizon.values()) {
            Slice[] ring = new Slice[SLICES];
            for (int i = 0; i < SLICES; i++) {
                ring[i] = new Slice();
            }
            slices.put(h, ring);
        }
    }

    public synchronized void add(StepSkill s, long nowMillis) {
        long index = Math.floorDiv(nowMillis, SLICE_MILLIS);
        Slice slice = slices.get(s.horizon())[(int) Math.floorMod(index, SLICES)];
        if (slice.index != index) {
            slice.index = index;
            slice.steps = 0;
            slice.absError = 0;
            slice.crps = 0;
            slice.in50 = 0;
            slice.in90 = 0;
        }
        slice.steps++;
        slice.absError += s.absError();
        slice.crps += s.crps();
        slice.in50 += s.in50() ? 1 : 0;
        slice.in90 += s.in90() ? 1 : 0;
    }

    /** Each horizon's figures over the slices of the last {@link #WINDOW_MILLIS} before {@code nowMillis}. */
    public synchronized Map<SkillHorizon, Figures> figures(long nowMillis) {
        long newest = Math.floorDiv(nowMillis, SLICE_MILLIS);
        Map<SkillHorizon, Figures> out = new EnumMap<>(SkillHorizon.class);
        for (SkillHorizon h : SkillHorizon.values()) {
            long steps = 0;
            double absError = 0;
            double crps = 0;
            long in50 = 0;
            long in90 = 0;
            for (Slice slice : slices.get(h)) {
                if (slice.index > newest - SLICES && slice.index <= newest) {
                    steps += slice.steps;
                    absError += slice.absError;
                    crps += slice.crps;
                    in50 += slice.in50;
                    in90 += slice.in90;
                }
            }
            out.put(h, steps == 0 ? new Figures(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN)
                    : new Figures(steps, absError / steps, crps / steps, in50 / (double) steps, in90 / (double) steps));
        }
        return out;
    }
}
