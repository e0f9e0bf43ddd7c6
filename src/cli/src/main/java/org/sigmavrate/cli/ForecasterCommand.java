package org.sigmavrate.cli;

import io.quarkus.picocli.runtime.annotations.TopCommand;
import org.sigmavrate.tools.bench.BenchCommand;
import org.sigmavrate.tools.demo.DemoCommand;
import org.sigmavrate.tools.loadbench.LoadBenchCommand;
import org.sigmavrate.tools.replay.ReplayCommand;
import org.sigmavrate.tools.tail.TailCommand;
import org.sigmavrate.tools.skill.LiveSkillCommand;

import picocli.CommandLine.Command;

@TopCommand
@Command(name = "forecaster", mixinStandardHelpOptions = true, version = "sigma-vrate 0.1.0",
        description = "Streaming forecaster of aircraft vertical rate with a sigma-GPT.",
        footer = {"  serve       Runs the forecaster service (src/service) on a Kafka cluster:",
                "                bin/forecaster serve [--bootstrap SERVERS] [--http-port PORT]"},
        subcommands = {DatasetCommand.class, InfillCommand.class, EvaluateCommand.class, CalibrateCommand.class,
                DemoCommand.class, ReplayCommand.class, TailCommand.class, BenchCommand.class, LoadBenchCommand.class,
                LiveSkillCommand.class, ReforecastEvalCommand.class})
public class ForecasterCommand {
}
