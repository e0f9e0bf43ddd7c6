package org.sigmavrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ForecasterConfig;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The options' defaults are the configuration's: --help shows ForecasterConfig's, a set key changes them. */
@QuarkusMainTest
class OptionDefaultsTest {
    private static final ForecasterConfig DEFAULTS = ConfigDefaults.forecaster();

    @Test
    void helpShowsTheConfiguredDefaults(QuarkusMainLauncher launcher) {
        LaunchResult infill = launcher.launch("infill", "--help");
        assertEquals(0, infill.exitCode());
        String help = words(infill.getOutput());
        assertTrue(help.contains("(default: " + DEFAULTS.offline().samples() + ")"), help);
        assertTrue(help.contains("); 0: all (default: " + DEFAULTS.maxKnownPositions() + ")"), help);
        assertTrue(help.contains("0: no such limit (default: " + DEFAULTS.maxKnownSpanSteps() + ")"), help);
        assertTrue(help.contains("(default: 0.05,0.25,0.5,0.75,0.95)"), help);
        assertTrue(help.contains("(default: " + DEFAULTS.intraOpThreads() + "; 1 is often fastest"), help);
        assertTrue(help.contains("or auto (default: auto)"), help);
        assertTrue(help.contains("(default: false, from forecaster.calibrated-bands)"), "calibrated bands on: "
                + "--no-calibration is off by default\n" + help);
        assertTrue(help.contains("hard constraint (default: 400)"), help);
        String dataset = words(launcher.launch("dataset", "--help").getOutput());
        assertTrue(dataset.contains("new flight (default: 10)"), dataset);
        String replay = words(launcher.launch("replay", "--help").getOutput());
        assertTrue(replay.contains("topic (default: surveillance-reports,"), replay);
    }

    /**
     * Every subcommand's help renders cleanly: picocli formats descriptions with String.format, so a bare "%" (as in
     * "95% intervals") makes it print a warning instead of the text.
     */
    @Test
    void everySubcommandsHelpRendersWithoutWarnings(QuarkusMainLauncher launcher) {
        for (Class<?> sub : ForecasterCommand.class.getAnnotation(Command.class).subcommands()) {
            String name = sub.getAnnotation(Command.class).name();
            LaunchResult help = launcher.launch(name, "--help");
            assertEquals(0, help.exitCode(), name);
            String all = help.getOutput() + help.getErrorOutput();
            assertFalse(all.contains("picocli WARN"), name + " --help:\n" + all);
        }
    }

    /** The help text with its line wrapping undone (picocli also wraps after a hyphen). */
    private static String words(String help) {
        return help.replaceAll("\\s+", " ").replace("- ", "-");
    }

    @Test
    void aSetKeyChangesTheDefault() {
        InfillCommand command = new InfillCommand();
        CommandLine cli = new CommandLine(command).setDefaultValueProvider(new OptionDefaults(ConfigDefaults.config(
                Map.of("forecaster.max-known-positions", "8", "forecaster.calibrated-bands", "false",
                        "forecaster.altitude-consistency.enabled", "false", "forecaster.max-known-span-steps", "3"))));
        cli.parseArgs("--input", "x.csv", "--out", "y.jsonl");
        assertEquals(8, command.context.maxKnown());
        assertEquals(3, command.context.maxKnownSpan(), "a mixin's option takes its key's value too");
        assertTrue(command.noCalibration, "forecaster.calibrated-bands=false: --no-calibration by default");
        assertEquals(false, command.consistencyOptions.enabled);
        cli.parseArgs("--input", "x.csv", "--out", "y.jsonl", "--max-known", "4");
        assertEquals(4, command.context.maxKnown(), "the option wins");
    }
}
