package org.sigmavrate.model.eval;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.Channel;

/**
 * Scores published forecasts against the truth that later reports bring, as a running service sees it. One
 * forecast per aircraft is followed at a time, until its 120 s horizon has passed: the service replaces an
 * aircraft's forecast every cadence (10 s), long before the truth for 30–120 s ahead exists, so following each one
 * only ever scores the first step. The truth of a step is that step of a later window of the same flight, placed by
 * the same preparation as the dataset and {@code evaluate} (nearest report within half a step, cleaned, rates
 * derived), once its latest report is more than half a step past it (no later report can be nearer). Steps observed
 * when the forecast was made are not scored; unobserved ones up to 120 s before its latest report are scored as
 * {@link SkillHorizon#INFILLED} if the first later window observes them. At most {@link #MAX_FOLLOWED} aircraft are
 * followed (the others are skipped: the figures are a sample), and a forecast whose flight has not been seen for
 * {@link #FORGET_AFTER_MILLIS} of event time is dropped, so memory stays bounded whatever the traffic. Not
 * thread-safe: one per stream task; not persisted (a restart starts afresh).
 */
public final class LiveSkill {
    /** Aircraft followed at once (about 1–2 kB each: the quantiles of at most 24 unobserved steps). */
    public static final int MAX_FOLLOWED = 20_000;
    /** A followed forecast this much older (event time) than a newly offered one is forgotten. */
    public static final long FORGET_AFTER_MILLIS = 600_000;
    private static final long HORIZON_MILLIS = 120_000;

    private final Map<String, Followed> followed = new LinkedHashMap<>();

    /** A published fan under scoring: its unobserved steps' rate quantiles (null where observed). */
    private static final class Followed {
        final String flightId;
        final long gridStart;
        final long stepMillis;
        final long lastReport;
        final double[] levels;
        final double[][] quantiles;
        long consideredThrough = Long.MIN_VALUE;

        Followed(WindowForecast f) {
            ObservedWindow w = f.request();
            flightId = w.window().flightId();
            gridStart = w.window().startMillis();
            stepMillis = w.window().stepMillis();
            lastReport = w.lastReportTime();
            levels = f.quantileLevels().clone();
            quantiles = new double[w.steps()][];
            for (int s = 0; s < w.steps(); s++) {
                // infilled steps further back than the horizon are left out: they keep memory small in sparse windows
                boolean near = Math.abs(w.window().timeOf(s) - lastReport) <= HORIZON_MILLIS;
                if (near && !f.rate().observed()[s] && isFan(f.rate().quantiles()[s])) {
                    quantiles[s] = f.rate().quantiles()[s].clone();
                }
            }
        }
    }

    /** Finite and non-decreasing: a fan that can be scored (monitoring must never stop the stream on a bad one). */
    private static boolean isFan(double[] q) {
        if (q == null || q.length == 0) {
            return false;
        }
        for (int i = 0; i < q.length; i++) {
            if (!Double.isFinite(q[i]) || (i > 0 && q[i] < q[i - 1])) {
                return false;
            }
        }
        return true;
    }

    /** A published forecast: followed if its aircraft has none followed and there is room. */
    public void offer(WindowForecast f) {
        forgetOlderThan(f.request().lastReportTime() - FORGET_AFTER_MILLIS);
        String icao = f.request().icao24();
        if (followed.size() < MAX_FOLLOWED && !followed.containsKey(icao) && f.request().window().flightId() != null) {
            followed.put(icao, new Followed(f));
        }
    }

    /** Whether a forecast of the aircraft is followed now (a newly offered one would be ignored). */
    public boolean follows(String icao24) {
        return followed.containsKey(icao24);
    }

    /** Aircraft followed now. */
    public int followed() {
        return followed.size();
    }

    /**
     * The steps of the aircraft's followed forecast whose truth {@code later} (a newer window of the aircraft) now
     * settles, scored; each step at most once. The forecast is let go once its horizon is settled, or when
     * {@code later} belongs to another flight.
     */
    public List<StepSkill> score(ObservedWindow later) {
        Followed f = followed.get(later.icao24());
        if (f == null) {
            return List.of();
        }
        if (!f.flightId.equals(later.window().flightId())) {
            followed.remove(later.icao24());
            return List.of();
        }
        long settledBefore = later.lastReportTime() - f.stepMillis / 2;
        List<StepSkill> out = new ArrayList<>();
        for (int s = 0; s < f.quantiles.length; s++) {
            long time = f.gridStart + s * f.stepMillis;
            if (time >= settledBefore) {
                break;
            }
            if (time <= f.consideredThrough) {
                continue;
            }
            f.consideredThrough = time;
            if (f.quantiles[s] == null) {
                continue;
            }
            double truth = truthAt(later, time);
            if (!Double.isNaN(truth)) {
                out.add(StepSkill.of(SkillHorizon.of(time, f.lastReport), f.levels, f.quantiles[s], truth));
            }
        }
        if (settledBefore > f.lastReport + HORIZON_MILLIS) {
            followed.remove(later.icao24());
        }
        return out;
    }

    /** The rate {@code w} places at {@code time}, NaN when none or when the time is off its grid. */
    private static double truthAt(ObservedWindow w, long time) {
        long offset = time - w.window().startMillis();
        if (offset < 0 || offset % w.window().stepMillis() != 0) {
            return Double.NaN;
        }
        long step = offset / w.window().stepMillis();
        return step < w.steps() ? w.value((int) step, Channel.VERTICAL_RATE) : Double.NaN;
    }

    private void forgetOlderThan(long eventTime) {
        Iterator<Followed> it = followed.values().iterator();
        while (it.hasNext()) {
            if (it.next().lastReport >= eventTime) {
                break;
            }
            it.remove();
        }
    }
}
