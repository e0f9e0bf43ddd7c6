package org.sigmavrate.tools.demo;

import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The forecaster service (src/service's packaged jar) in a child JVM of the same java, for the demo: on the given
 * broker and port, its state in a temporary folder, its output in a log file; stopped (SIGTERM, then killed) on
 * {@link #close()} or when this JVM exits. The service reads this JVM's {@code forecaster.*} system properties too,
 * and the environment (FORECASTER_MODEL, ...) is inherited.
 */
final class ServiceProcess implements AutoCloseable {
    static final String DEFAULT_JAR = "src/service/target/quarkus-app/quarkus-run.jar";

    private final Process process;
    private final Path log;
    private final int port;
    private final Thread stopAtExit;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
        this.stopAtExit = new Thread(this::stop, "service-stop");
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    static ServiceProcess start(Path jar, String bootstrap, int port, Path stateDir) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx1g");
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("forecaster."))
                .forEach(k -> command.add("-D" + k + "=" + System.getProperty(k)));
        command.add("-Dkafka.bootstrap.servers=" + bootstrap);
        command.add("-Dquarkus.http.port=" + port);
        command.add("-Dkafka-streams.state.dir=" + stateDir);
        command.add("-Dkafka-streams.application.server=localhost:" + port);
        // the class-data archive the service's build writes beside its jar (src/service/pom.xml): a faster start. It
        // names the jar by its absolute path, so the jar is given so too; a JVM it does not fit ignores it
        Path archive = jar.toAbsolutePath().resolveSibling("app-cds.jsa");
        if (Files.isRegularFile(archive)) {
            command.add("-XX:SharedArchiveFile=" + archive);
            command.add("-Xlog:cds=off");
            command.add("-Xlog:cds+dynamic=off");
        }
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        Path log = Files.createTempFile("sigma-vrate-service-", ".log");
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new ServiceProcess(p, log, port);
    }

    Path log() {
        return log;
    }

    /** Waits until /q/health/ready says UP (model loaded, Kafka Streams running); false if the service exits first. */
    boolean awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest ready = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/q/health/ready"))
                .timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                if (http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return true;
                }
            } catch (ConnectException notYet) {
                // not listening yet
            } catch (IOException e) {
                // starting: answers come later
            }
            Thread.sleep(250);
        }
        return false;
    }

    /** The last lines of the service's log. */
    List<String> tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return all.subList(Math.max(0, all.size() - lines), all.size());
        } catch (IOException e) {
            return List.of("(cannot read " + log + ": " + e.getMessage() + ")");
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private synchronized void stop() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: Quarkus closes Kafka Streams cleanly
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException exiting) {
            // the JVM is already shutting down: the hook runs (or ran) anyway
        }
    }
}
