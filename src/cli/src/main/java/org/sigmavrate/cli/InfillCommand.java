package org.sigmavrate.cli;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.sigmavrate.domain.flight.Flight;
import org.sigmavrate.domain.flight.RejectionLedger;
import org.sigmavrate.domain.forecast.ChannelForecast;
import org.sigmavrate.domain.forecast.ObservedWindow;
import org.sigmavrate.domain.forecast.Seeds;
import org.sigmavrate.domain.forecast.WindowForecast;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.ingest.ReadResult;
import org.sigmavrate.ingest.UnreadableFileException;
import org.sigmavrate.model.ForecastSettings;
import org.sigmavrate.model.SigmaGptForecaster;
import org.sigmavrate.model.calibration.CalibratedBands;
import org.sigmavrate.model.calibration.Calibration;
import org.sigmavrate.model.onnx.ModelLoadException;
import org.sigmavrate.model.onnx.SigmaGptSession;
import org.sigmavrate.preparation.FlightPreparation;
import org.sigmavrate.preparation.PreparedFlight;
import org.sigmavrate.preparation.WindowPolicy;
import org.sigmavrate.preparation.WindowSpan;

import jakarta.inject.Inject;

import org.sigmavrate.cli.plot.FanChartPng;
import org.sigmavrate.cli.plot.FlightFan;
import org.sigmavrate.config.ConfiguredSettings;
import org.sigmavrate.config.ForecasterConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "infill", mixinStandardHelpOptions = true,
        description = {"Infills every flight of the input offline: each flight on the grid from its first report, cut",
                "into consecutive 64-step windows (the last one shorter), every grid step without a report infilled",
                "with bands, a point estimate and K joint sample paths of vertical rate and altitude, each window's",
                "random choices seeded by its flight id and grid start as in the service.",
                "Output formats: docs/INFERENCE.md."},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:written", "1:the model could not be run or the output not written",
                "2:bad arguments or no usable input"})
public class InfillCommand implements Callable<Integer> {
    @Option(names = "--input", required = true, arity = "1..*", paramLabel = "PATH",
            description = "files or folders of any supported format")
    List<Path> inputs;

    @Option(names = "--out", required = true, paramLabel = "FILE",
            description = "output file: .csv for one row per flight and step, otherwise JSON lines (one window per line)")
    Path out;

    @Option(names = "--plot", paramLabel = "DIR",
            description = {"also write one fan chart per flight to DIR/<flight id>.png: vertical rate and altitude",
                    "against time, the reports, the median and the 50%% and 90%% bands (from --quantiles' levels); the",
                    "stretch after the flight's last report is the forecast the service would publish there",
                    "(forecaster.window.horizon-seconds ahead), shaded"})
    Path plotDir;

    @Option(names = "--samples", description = "joint sample paths K (default: ${DEFAULT-VALUE})")
    @ConfigKey("forecaster.offline.samples")
    int samples;

    @Option(names = "--quantiles", split = ",", description = "quantile levels (default: ${DEFAULT-VALUE})")
    @ConfigKey("forecaster.quantiles")
    double[] quantiles;

    @Mixin
    ContextOptions context;

    @Option(names = "--batch-windows", defaultValue = "8", description = "windows per batched model call (default: ${DEFAULT-VALUE})")
    int batchWindows;

    @Option(names = "--calibration", paramLabel = "FILE",
            description = {"calibration written by `calibrate`: the rate quantiles' central intervals are corrected by",
                    "its band corrections (as the service does); default: calibration.json in the model folder, when",
                    "there is one"})
    Path calibrationFile;

    @Option(names = "--no-calibration",
            description = "publish the raw model quantiles (default: ${DEFAULT-VALUE}, from forecaster.calibrated-bands)")
    @ConfigKey(value = "forecaster.calibrated-bands", negated = true)
    boolean noCalibration;

    @Mixin
    ModelOptions modelOptions;

    @Mixin
    ConsistencyOptions consistencyOptions;

    @Inject
    ForecasterConfig config;

    @Override
    public Integer call() {
        Spec spec = SpecLoader.bundled();
        ForecastSettings settings;
        try {
            settings = context.applyTo(ConfiguredSettings.forecast(config)).withSamples(samples).withLevels(quantiles)
                    .withAltitudeConsistency(consistencyOptions.setting());
        } catch (IllegalArgumentException e) {
            System.err.println("infill: " + e.getMessage());
            return 2;
        }
        List<Path> files;
        try {
            files = FlightReaders.expand(inputs, System.err);
        } catch (UnreadableFileException e) {
            System.err.println("infill: " + e.getMessage());
            return 2;
        }
        if (files.isEmpty()) {
            System.err.println("infill: no supported flight files in " + inputs + " (supported: "
                    + FlightReaders.supportedFormats() + ")");
            return 2;
        }
        List<ObservedWindow> windows = new ArrayList<>();
        FlightPreparation preparation = new FlightPreparation(ConfiguredSettings.preparation(config, spec));
        WindowPolicy policy = new WindowPolicy.Infill();
        int flights = 0;
        int unreadable = 0;
        for (Path file : files) {
            ReadResult r;
            try {
                r = FlightReaders.read(file);
            } catch (UnreadableFileException e) {
                System.err.println("infill: skipping " + e.getMessage());
                unreadable++;
                continue;
            }
            if (r.reports().isEmpty()) {
                System.err.println("infill: " + file + ": no usable reports (" + r.records() + " records, "
                        + r.problems().size() + " skipped)");
            }
            for (PreparedFlight prepared : preparation.prepare(r.reports(), new RejectionLedger())) {
                flights++;
                Flight f = prepared.flight();
                flightStart.putIfAbsent(f.id(), f.startMillis());
                for (WindowSpan span : policy.spans(prepared, spec.grid())) {
                    GriddedFlight w = preparation.window(prepared, span);
                    windows.add(new ObservedWindow(f.icao24(), w, f.endMillis(), Seeds.of(w)));
                }
                if (plotDir != null) {
                    fans.put(f.id(), new FlightFan(f.id(), callsign(f), f.endMillis()));
                    for (WindowSpan span : forecastPolicy().spans(prepared, spec.grid())) {
                        GriddedFlight w = preparation.window(prepared, span);
                        forecastWindows.add(new ObservedWindow(f.icao24(), w, f.endMillis(), Seeds.of(w)));
                    }
                }
            }
        }
        if (windows.isEmpty()) {
            System.err.println("infill: no flight to infill in " + files.size() + " file(s)"
                    + (unreadable > 0 ? " (" + unreadable + " unreadable)" : ""));
            return 2;
        }
        System.err.printf("infill: %d flights, %d windows, K = %d samples%n", flights, windows.size(), samples);
        System.err.println("infill: altitude consistency " + settings.altitudeConsistency().describe());
        altitudeConsistent = settings.altitudeConsistency().enabled();
        boolean csv = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".csv");
        try (SigmaGptSession session = modelOptions.open();
                SigmaGptForecaster model = new SigmaGptForecaster(session, settings, false,
                        bands(session, settings).bands())) {
            if (out.toAbsolutePath().getParent() != null) {
                Files.createDirectories(out.toAbsolutePath().getParent());
            }
            long started = System.nanoTime();
            long lastPrint = started;
            try (BufferedWriter w = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
                if (csv) {
                    w.write(csvHeader(settings));
                }
                ObjectMapper json = new ObjectMapper();
                for (int from = 0; from < windows.size(); from += batchWindows) {
                    List<ObservedWindow> batch = windows.subList(from, Math.min(windows.size(), from + batchWindows));
                    for (WindowForecast f : model.forecast(batch)) {
                        if (plotDir != null) {
                            fans.get(f.request().window().flightId()).add(f);
                        }
                        if (csv) {
                            writeCsv(w, f);
                        } else {
                            w.write(json.writeValueAsString(toJson(f)));
                            w.write('\n');
                        }
                    }
                    long now = System.nanoTime();
                    if (now - lastPrint > 10_000_000_000L || from + batchWindows >= windows.size()) {
                        lastPrint = now;
                        System.err.printf("infill: %d/%d windows (%.0f s)%n", Math.min(windows.size(), from + batchWindows),
                                windows.size(), (now - started) / 1e9);
                    }
                }
            }
            System.err.println("infill: wrote " + out);
            if (plotDir != null) {
                plot(model);
            }
            return 0;
        } catch (ModelLoadException e) {
            System.err.println("infill: " + e.getMessage());
            return 1;
        } catch (UncheckedIOException e) {
            System.err.println("infill: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            System.err.println("infill: cannot write " + out + ": " + e.getMessage());
            return 1;
        }
    }

    /** The model folder's calibration.json or {@code --calibration}, unless {@code --no-calibration}; said on stderr. */
    private CalibratedBands.Choice bands(SigmaGptSession session, ForecastSettings settings) {
        Path file = calibrationFile != null ? calibrationFile : session.directory().resolve(Calibration.FILE_NAME);
        if (calibrationFile != null && !Files.isRegularFile(calibrationFile)) {
            throw new UncheckedIOException(new IOException("no calibration file " + calibrationFile));
        }
        try {
            CalibratedBands.Choice c = CalibratedBands.forModel(!noCalibration, file, session.modelId(),
                    settings.maxKnown(), settings.quantileLevels(), settings.altitudeConsistency());
            System.err.println("infill: " + c.description() + (noCalibration ? " (--no-calibration)" : ""));
            calibrated = c.bands() != null;
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException(new IOException("cannot read the calibration " + file + ": " + e.getMessage()
                    + " (--no-calibration publishes the raw model quantiles)", e));
        }
    }

    /** The service's window at the last report: it reaches past it, so the chart shows the forecast there too. */
    private WindowPolicy forecastPolicy() {
        return new WindowPolicy.Trailing(Math.round(config.window().horizonSeconds() * 1000));
    }

    /** Forecasts past each flight's last report, then one PNG per flight (file names: its flight id). */
    private void plot(SigmaGptForecaster model) throws IOException {
        for (int from = 0; from < forecastWindows.size(); from += batchWindows) {
            for (WindowForecast f : model.forecast(
                    forecastWindows.subList(from, Math.min(forecastWindows.size(), from + batchWindows)))) {
                fans.get(f.request().window().flightId()).add(f);
            }
        }
        for (FlightFan fan : fans.values()) {
            if (!fan.isEmpty()) {
                FanChartPng.write(fan, plotDir);
            }
        }
        System.err.println("infill: " + fans.size() + " fan chart(s) in " + plotDir);
    }

    /** The callsign of the flight's latest report that has one; null when none has. */
    private static String callsign(Flight f) {
        for (int i = f.reports().size() - 1; i >= 0; i--) {
            String c = f.reports().get(i).callsign();
            if (c != null && !c.isBlank()) {
                return c;
            }
        }
        return null;
    }

    private final Map<String, FlightFan> fans = new LinkedHashMap<>();
    private final List<ObservedWindow> forecastWindows = new ArrayList<>();

    private boolean calibrated;
    private boolean altitudeConsistent;

    private static String csvHeader(ForecastSettings s) {
        StringBuilder b = new StringBuilder("flight_id,timestamp,flight_step,channel,observed,value,estimate,mean");
        for (double q : s.quantileLevels()) {
            b.append(",q").append(String.format(Locale.ROOT, "%02d", Math.round(q * 100)));
        }
        for (int p = 0; p < s.samples(); p++) {
            b.append(",sample_").append(p);
        }
        return b.append('\n').toString();
    }

    private final Map<String, Long> flightStart = new java.util.HashMap<>();

    private void writeCsv(BufferedWriter w, WindowForecast f) throws IOException {
        GriddedFlight g = f.request().window();
        for (int s = 0; s < g.steps(); s++) {
            for (Channel c : Channel.values()) {
                ChannelForecast cf = f.channel(c);
                StringBuilder b = new StringBuilder();
                b.append(g.flightId()).append(',').append(java.time.Instant.ofEpochMilli(g.timeOf(s))).append(',')
                        .append((g.timeOf(s) - flightStart.get(g.flightId())) / g.stepMillis()).append(',').append(c.specName()).append(',').append(cf.observed()[s] ? 1 : 0)
                        .append(',').append(cf.observed()[s] ? num(cf.values()[s]) : "").append(',')
                        .append(num(cf.estimate()[s])).append(',').append(num(cf.mean()[s]));
                for (double q : cf.quantiles()[s]) {
                    b.append(',').append(num(q));
                }
                for (double[] path : cf.samples()) {
                    b.append(',').append(num(path[s]));
                }
                w.write(b.append('\n').toString());
            }
        }
    }

    private static String num(double v) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%.1f", v);
    }

    private Map<String, Object> toJson(WindowForecast f) {
        GriddedFlight g = f.request().window();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("flight_id", g.flightId());
        m.put("icao24", f.request().icao24());
        m.put("model_id", f.modelId());
        m.put("spec_sha256", f.specSha256());
        m.put("grid_start_ms", g.startMillis());
        m.put("step_ms", g.stepMillis());
        m.put("steps", g.steps());
        m.put("quantile_levels", f.quantileLevels());
        m.put("calibrated_bands", calibrated);
        m.put("altitude_consistent", altitudeConsistent);
        m.put("forward_calls", f.forwardCalls());
        for (Channel c : Channel.values()) {
            ChannelForecast cf = f.channel(c);
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("unit", c.unit());
            ch.put("observed", cf.observed());
            ch.put("values", nullable(cf.values()));
            ch.put("estimate", cf.estimate());
            ch.put("mean", cf.mean());
            ch.put("quantiles", cf.quantiles());
            ch.put("samples", cf.samples());
            m.put(c.specName(), ch);
        }
        return m;
    }

    private static Double[] nullable(double[] v) {
        Double[] out = new Double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = Double.isNaN(v[i]) ? null : v[i];
        }
        return out;
    }
}
