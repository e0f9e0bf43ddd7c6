package org.sigmavrate.model.eval;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Which steps of a 64-step evaluation window the model is shown. sparse10 / sparse25: 10% / 25% of the steps
 * (rounded, at least 2) drawn uniformly without replacement with the window's seed; gap: steps 0-19 and 44-63
 * observed, 20-43 hidden; forecast: steps 0-47 observed, 48-63 hidden.
 */
public enum Protocol {
    SPARSE10, SPARSE25, GAP, FORECAST;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Protocol parse(String text) {
        for (Protocol p : values()) {
            if (p.label().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown protocol '" + text + "' (sparse10, sparse25, gap, forecast, all)");
    }

    /** Per step: whether it is observed. */
    public boolean[] observedSteps(int steps, long seed) {
        boolean[] observed = new boolean[steps];
        switch (this) {
            case SPARSE10, SPARSE25 -> {
                double fraction = this == SPARSE10 ? 0.10 : 0.25;
                int n = Math.max(2, (int) Math.round(fraction * steps));
                int[] idx = new int[steps];
                for (int i = 0; i < steps; i++) {
                    idx[i] = i;
                }
                SplittableRandom rng = new SplittableRandom(seed);
                for (int i = 0; i < n; i++) {
                    int j = i + rng.nextInt(steps - i);
                    int t = idx[i];
                    idx[i] = idx[j];
                    idx[j] = t;
                    observed[idx[i]] = true;
                }
            }
            case GAP -> {
                int from = Math.round(steps * 20 / 64f);
                int to = Math.round(steps * 44 / 64f);
                for (int s = 0; s < steps; s++) {
                    observed[s] = s < from || s >= to;
                }
            }
            case FORECAST -> {
                int until = Math.round(steps * 48 / 64f);
                for (int s = 0; s < until; s++) {
                    observed[s] = true;
                }
            }
        }
        return observed;
    }
}
