package org.sigmavrate.app;

import picocli.CommandLine.Command;

@Command(name = "dataset", mixinStandardHelpOptions = true, description = "Build training windows from recorded flights.")
public class DatasetCommand implements Runnable {
    @Override
    public void run() {
    }
}
