package org.sigmavrate.tools.broker;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in its own JVM, from the kafka_2.13
 * classes listed in {@code target/broker-classpath.txt} (written by the build), with its data in a temporary
 * folder removed on {@link #close()}. For the demo; nothing but a JDK is needed.
 */
public final class EmbeddedBroker implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final int port;

    private EmbeddedBroker(Path dir, Process process, int port) {
        this.dir = dir;
        this.process = process;
        this.port = port;
    }

    /** The broker JVM's process id (the load bench reads its CPU time). */
    public long pid() {
        return process.pid();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public Path logFile() {
        return dir.resolve("broker.log");
    }

    /** Finds the broker classpath file: next to the build (target/), from the working directory or the jar. */
    public static Path classpathFile() {
        List<Path> candidates = new ArrayList<>();
        String override = System.getProperty("forecaster.broker-classpath");
        if (override != null) {
            candidates.add(Path.of(override));
        }
        candidates.add(Path.of("target", "broker-classpath.txt"));
        try {
            Path jar = Path.of(EmbeddedBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                candidates.add(p.resolve("broker-classpath.txt"));
                candidates.add(p.resolve("target").resolve("broker-classpath.txt"));
            }
        } catch (Exception ignored) {
            // no code source: only the working directory
        }
        for (Path c : candidates) {
            if (Files.isRegularFile(c)) {
                return c;
            }
        }
        throw new IllegalStateException("target/broker-classpath.txt not found: build with `mvn package` first");
    }

    public static EmbeddedBroker start(Duration timeout) throws IOException, InterruptedException {
        String classpath = Files.readString(classpathFile()).trim();
        Path dir = Files.createTempDirectory("sigma-vrate-broker");
        int port = freePort();
        int controllerPort = freePort();
        Path props = dir.resolve("server.properties");
        Files.writeString(props, String.join("\n",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                "num.partitions=2",
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "min.insync.replicas=1",
                "group.initial.rebalance.delay.ms=0",
                "auto.create.topics.enable=true",
                "") + "\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = dir.resolve("broker.log");
        Process format = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, "kafka.tools.StorageTool", "format",
                "-t", Uuid.randomUuid().toString(), "-c", props.toString(), "--ignore-formatted")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!format.waitFor(120, TimeUnit.SECONDS) || format.exitValue() != 0) {
            format.destroyForcibly();
            throw new IOException("formatting the broker's storage failed; see " + log);
        }
        Process broker = new ProcessBuilder(java, "-Xmx512m", "-XX:+UseSerialGC", "-cp", classpath, "kafka.Kafka",
                props.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        EmbeddedBroker b = new EmbeddedBroker(dir, broker, port);
        Runtime.getRuntime().addShutdownHook(new Thread(b::close, "broker-stop"));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new IOException("the broker exited with " + broker.exitValue() + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return b;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        b.close();
        throw new IOException("the broker did not open port " + port + " within " + timeout + "; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public synchronized void close() {
        if (process.isAlive()) {
            process.destroy(); // SIGTERM: the broker stops cleanly in about 2 s
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        if (Files.exists(dir)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp folder left behind
            }
        }
    }
}
