package org.sigmavrate.app;

import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import org.sigmavrate.streaming.StreamingSettings;

import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the streaming forecaster against an existing Kafka cluster until stopped (Ctrl-C, SIGTERM):",
                "consumes surveillance reports, publishes infilled trajectories and density bands, serves",
                "/q/health, /q/metrics, /q/openapi and /forecasts/{icao24}. Settings: application.properties",
                "(kafka.bootstrap.servers, kafka-streams.*, forecaster.*), overridable by environment variables."})
public class ServeCommand implements Callable<Integer> {
    @Inject
    StreamsService service;
    @Inject
    OpsHttpServer http;
    @Inject
    StreamingSettings settings;

    @Option(names = "--bootstrap", paramLabel = "SERVERS", description = "Kafka bootstrap servers (default: kafka.bootstrap.servers)")
    String bootstrap;

    @Option(names = "--http-port", defaultValue = "-1", description = "HTTP port (default: forecaster.http.port)")
    int httpPort;

    @Override
    public Integer call() throws Exception {
        try {
            service.loadModel();
        } catch (RuntimeException e) {
            System.err.println("serve: cannot load the forecaster: " + StreamsService.reason(e));
            return 2;
        }
        int port = http.start(httpPort);
        service.start(bootstrap);
        System.err.printf("serve: consuming %s, producing %s and %s (dead letters: %s); http://localhost:%d/q/health%n",
                settings.topics().input(), settings.topics().trajectories(), settings.topics().bands(),
                settings.topics().deadLetter(), port);
        try {
            Quarkus.waitForExit();
        } finally {
            service.stop();
            http.stop();
        }
        return 0;
    }
}
