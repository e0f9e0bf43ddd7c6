package org.sigmavrate.tools.skill;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;
import org.sigmavrate.config.ForecasterFactory;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.WindowForecaster;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.UnreadableFileException;
import org.sigmavrate.model.eval.LiveSkill;
import org.sigmavrate.model.eval.RollingSkill;
import org.sigmavrate.model.eval.SkillHorizon;
import org.sigmavrate.model.eval.StepSkill;
import org.sigmavrate.streaming.Replay;
import org.sigmavrate.tracking.FlightTrack;
import org.sigmavrate.tracking.ReforecastRules;
import org.sigmavrate.tracking.TrackRules;
import org.sigmavrate.tracking.WindowAssembler;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The service's live skill on recorded flights, offline: each aircraft's reports in time order through the same
 * {@link FlightTrack}, {@link WindowAssembler}, forecaster ({@link ForecasterFactory}, configured as the service) and
 * {@link LiveSkill} as the stream processor, each forecast published before the aircraft's next report (no batching
 * delay), and only the forecasts the scorer follows are computed (the others would not be scored). Prints the
 * figures per horizon bucket, to set beside {@code evaluate --protocol forecast} on the same files.
 */
@Command(name = "live-skill", mixinStandardHelpOptions = true,
        description = {"Replays recorded flights through the service's tracking, windows and forecaster offline and",
                "scores the forecasts against later reports as the running service does (/skill,",
                "sigmavrate_skill_*): mean absolute error and CRPS (ft/min), 50%%/90%% coverage per horizon bucket."})
public class LiveSkillCommand implements Callable<Integer> {
    @Option(names = "--input", arity = "1..*", paramLabel = "PATH", defaultValue = "data/flights/traffic/featured",
            description = "files or folders (default: ${DEFAULT-VALUE}, the demo's flights)")
    List<Path> inputs;

    @Option(names = "--thin", defaultValue = "0", paramLabel = "SECONDS",
            description = "keep one report per aircraft every SECONDS to 2 x SECONDS with occasional 3-minute gaps, as the demo does (--thin 30); default: all reports")
    double thin;

    @Inject
    ForecasterConfig config;

    @Override
    public Integer call() throws Exception {
        List<Report> reports;
        try {
            reports = Replay.inTimeOrder(Replay.thin(Replay.load(inputs, System.err), thin, thin > 0, 20240415L));
        } catch (UnreadableFileException e) {
            System.err.println("live-skill: " + e.getMessage());
            return 2;
        }
        Spec spec = SpecLoader.bundled();
        // the scorer settles each forecast with the windows of later cadence points: every cadence, whatever the
        // service's re-forecast policy
        TrackRules rules = ConfiguredSettings.trackRules(config, spec.grid());
        rules = rules.withReforecast(rules.reforecast().withMode(ReforecastRules.Mode.CADENCE));
        WindowAssembler assembler = new WindowAssembler(spec, rules);
        Map<String, List<Report>> byAircraft = new LinkedHashMap<>();
        for (Report r : reports) {
            byAircraft.computeIfAbsent(r.icao24(), k -> new ArrayList<>()).add(r);
        }
        RollingSkill totals = new RollingSkill();
        long forecasts = 0;
        long triggers = 0;
        long started = System.nanoTime();
        String modelId;
        try (WindowForecaster forecaster = ForecasterFactory.open(config)) {
            modelId = forecaster.modelId();
            RejectionLedger ledger = new RejectionLedger();
            for (Map.Entry<String, List<Report>> aircraft : byAircraft.entrySet()) {
                FlightTrack track = new FlightTrack(aircraft.getKey());
                LiveSkill skill = new LiveSkill();
                for (Report r : aircraft.getValue()) {
                    if (track.accept(r, rules) != FlightTrack.Outcome.TRIGGERED) {
                        continue;
                    }
                    triggers++;
                    ObservedWindow window = assembler.window(track, ledger);
                    track.markTriggered();
                    if (window == null) {
                        continue;
                    }
                    for (StepSkill s : skill.score(window)) {
                        totals.add(s, 0);
                    }
                    if (!skill.follows(window.icao24())) {
                        skill.offer(forecaster.forecast(List.of(window)).get(0));
                        forecasts++;
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "live-skill: %s, %,d reports of %,d aircraft%s, %,d windows triggered, "
                + "%,d forecasts followed and scored (%.0f s)%n", modelId, reports.size(),
                byAircraft.size(), thin > 0 ? " (thinned to " + thin + " s)" : "", triggers, forecasts,
                (System.nanoTime() - started) / 1e9);
        System.out.printf(Locale.ROOT, "%-10s %7s %9s %9s %7s %7s%n", "horizon", "steps", "MAE fpm", "CRPS fpm",
                "cov50", "cov90");
        Map<SkillHorizon, RollingSkill.Figures> figures = totals.figures(0);
        long n = 0;
        double abs = 0;
        double crps = 0;
        double in50 = 0;
        double in90 = 0;
        for (Map.Entry<SkillHorizon, RollingSkill.Figures> e : figures.entrySet()) {
            RollingSkill.Figures f = e.getValue();
            print(e.getKey().label(), f);
            if (e.getKey() != SkillHorizon.INFILLED && f.steps() > 0) {
                n += f.steps();
                abs += f.maeFpm() * f.steps();
                crps += f.crpsFpm() * f.steps();
                in50 += f.coverage50() * f.steps();
                in90 += f.coverage90() * f.steps();
            }
        }
        if (n > 0) {
            print("0-120s", new RollingSkill.Figures(n, abs / n, crps / n, in50 / n, in90 / n));
        }
        return 0;
    }

    private static void print(String label, RollingSkill.Figures f) {
        System.out.printf(Locale.ROOT, "%-10s %7d %9.1f %9.1f %7.3f %7.3f%n", label, f.steps(), f.maeFpm(),
                f.crpsFpm(), f.coverage50(), f.coverage90());
    }
}
