package org.sigmavrate.model;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import java.lang.reflect.Field;
import java.util.Map;

import org.sigmavrate.cli.OptionDefaults;
import org.sigmavrate.config.ConfigDefaults;
import org.sigmavrate.config.ForecasterConfig;

import io.smallrye.config.SmallRyeConfig;
import picocli.CommandLine;

/**
 * One picocli command run in-process with its stdout and stderr captured: the exit code and both texts. The command
 * gets what Quarkus would give it: the configuration's defaults for its options and the {@link ForecasterConfig}.
 */
record CommandRun(int exit, String err, String out) {

    static CommandRun of(Object command, String... args) {
        return of(Map.of(), command, args);
    }

    /** @param settings configuration keys set as in the environment ({@code forecaster.*}) */
    static CommandRun of(Map<String, String> settings, Object command, String... args) {
        SmallRyeConfig config = ConfigDefaults.config(settings);
        inject(command, config.getConfigMapping(ForecasterConfig.class));
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            int exit = new CommandLine(command).setDefaultValueProvider(new OptionDefaults(config)).execute(args);
            return new CommandRun(exit, err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
        }
    }

    /** What CDI does for the command's {@code @Inject ForecasterConfig} field. */
    private static void inject(Object command, ForecasterConfig config) {
        for (Field f : command.getClass().getDeclaredFields()) {
            if (f.getType() == ForecasterConfig.class) {
                try {
                    f.setAccessible(true);
                    f.set(command, config);
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }
}
