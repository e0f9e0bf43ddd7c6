package org.sigmavrate.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.ingest.FlightReaders;
import org.sigmavrate.ingest.UnreadableFileException;
import org.sigmavrate.model.eval.EvalWindow;
import org.sigmavrate.model.eval.EvalWindows;
import org.sigmavrate.model.eval.Protocol;
import org.sigmavrate.preparation.PreparationSettings;

/** The protocols and evaluation windows that {@code evaluate} and {@code calibrate} read from their options. */
final class EvalInputs {
    private EvalInputs() {
    }

    /** The windows read, and the files and counts behind them. */
    record Loaded(List<Path> files, EvalWindows.Loaded read, List<EvalWindow> windows) {
    }

    /** "all" or protocol names; throws IllegalArgumentException naming an unknown one. */
    static List<Protocol> protocols(List<String> names) {
        List<Protocol> chosen = new ArrayList<>();
        for (String p : names) {
            if (p.trim().equalsIgnoreCase("all")) {
                chosen.addAll(List.of(Protocol.values()));
            } else {
                chosen.add(Protocol.parse(p));
            }
        }
        return chosen;
    }

    /** The first {@code maxWindows} windows (0: all); null, after saying why on stderr, when there are none. */
    static Loaded load(String command, List<Path> inputs, PreparationSettings preparation, int maxWindows) {
        Spec spec = preparation.spec();
        List<Path> files;
        try {
            files = FlightReaders.expand(inputs, System.err);
        } catch (UnreadableFileException e) {
            System.err.println(command + ": " + e.getMessage());
            return null;
        }
        if (files.isEmpty()) {
            System.err.println(command + ": no supported flight files in " + inputs + " (supported: "
                    + FlightReaders.supportedFormats() + ")");
            return null;
        }
        EvalWindows.Loaded loaded = new EvalWindows(preparation).load(files, System.err);
        for (String problem : loaded.problems()) {
            System.err.println(command + ": " + problem);
        }
        List<EvalWindow> windows = loaded.windows();
        if (windows.isEmpty()) {
            System.err.printf("%s: no evaluation window in %d file(s): %d flight(s), none with %d consecutive "
                    + "grid steps (%d s) that all have a vertical rate%n", command, files.size(), loaded.flights(),
                    spec.grid().windowSteps(), spec.grid().windowSteps() * spec.grid().stepMillis() / 1000);
            return null;
        }
        if (maxWindows > 0 && windows.size() > maxWindows) {
            windows = windows.subList(0, maxWindows);
        }
        System.err.printf("%s: %d files, %d flights (%d too short for a window), %d windows%n", command, files.size(),
                loaded.flights(), loaded.shortFlights(), windows.size());
        return new Loaded(files, loaded, windows);
    }
}
