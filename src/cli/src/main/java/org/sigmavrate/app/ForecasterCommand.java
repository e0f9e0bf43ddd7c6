package org.sigmavrate.app;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import picocli.CommandLine.Command;

@TopCommand
@Command(name = "forecaster", mixinStandardHelpOptions = true, version = "sigma-vrate 0.1.0",
        description = "Streaming forecaster of aircraft vertical rate with a sigma-GPT.",
        subcommands = {DatasetCommand.class, InfillCommand.class, EvaluateCommand.class, CalibrateCommand.class, ServeCommand.class,
                DemoCommand.class, ReplayCommand.class, BenchCommand.class, LoadBenchCommand.class})
public class ForecasterCommand {
}
