package org.sigmavrate.streaming;

import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real Apicurio Registry for the tests: the prebuilt Quarkus distribution
 * ({@code io.apicurio:apicurio-registry-app:VERSION:tar.gz:all}, unpacked by maven-dependency-plugin into the folder
 * that system property {@code apicurio-registry.home} names) run as a child JVM, once per test run, with its default
 * in-memory H2 storage, on free loopback ports. Tests take an {@link ApicurioRegistry} parameter.
 * <p>
 * Registry 3.3.x is compiled for Java 21, the project for 17, so the child needs another JDK: system property
 * {@code apicurio-registry.java} (a java executable) when set, else this JVM when it is 21+, else the first 21+ JDK
 * among {@code JAVA_HOME} and {@code /usr/lib/jvm/*}. Without one (or without the unpacked distribution) the tests
 * are skipped, with the reason, rather than failed.
 */
public class ApicurioRegistryExtension implements BeforeAllCallback, ParameterResolver {
    private static final int JAVA_NEEDED = 21;
    private static final Duration READY_WITHIN = Duration.ofSeconds(180);
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ApicurioRegistryExtension.class);

    /** @param url the serdes' {@code apicurio.registry.url}: http://127.0.0.1:PORT/apis/registry/v3 */
    public record ApicurioRegistry(String url) {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        registry(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext c) {
        return p.getParameter().getType() == ApicurioRegistry.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext c) {
        return registry(c);
    }

    private static ApicurioRegistry registry(ExtensionContext context) {
        Path home = Path.of(System.getProperty("apicurio-registry.home", "src/service/target/apicurio-registry"));
        Assumptions.assumeTrue(Files.isRegularFile(home.resolve("quarkus-run.jar")), "no Apicurio Registry unpacked in "
                + home + " (maven-dependency-plugin does that in mvn verify; apicurio-registry.home names the folder)");
        Optional<Path> java = java();
        Assumptions.assumeTrue(java.isPresent(), "Apicurio Registry 3.3.x needs Java " + JAVA_NEEDED
                + "+ and none was found (JAVA_HOME, /usr/lib/jvm/*); name one with -Dapicurio-registry.java=/path/bin/java");
        return context.getRoot().getStore(NS)
                .getOrComputeIfAbsent(Running.class, k -> Running.start(home, java.get()), Running.class).registry;
    }

    /** The java executable for the registry: the override, this JVM, or a JDK found on the machine, each 21+. */
    static Optional<Path> java() {
        String override = System.getProperty("apicurio-registry.java", "");
        if (!override.isBlank()) {
            return Optional.of(Path.of(override));
        }
        if (Runtime.version().feature() >= JAVA_NEEDED) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        List<Path> homes = new ArrayList<>();
        Optional.ofNullable(System.getenv("JAVA_HOME")).map(Path::of).ifPresent(homes::add);
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            jvms.sorted().forEach(homes::add);
        } catch (IOException noSuchFolder) {
            // not a Debian-style layout: JAVA_HOME or the override only
        }
        return homes.stream().filter(h -> featureVersion(h) >= JAVA_NEEDED).map(h -> h.resolve("bin").resolve("java"))
                .filter(Files::isExecutable).findFirst();
    }

    /** The JDK's feature version from its {@code release} file (JAVA_VERSION="25.0.3"); 0 when unknown. */
    private static int featureVersion(Path javaHome) {
        try {
            Matcher m = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(javaHome.resolve("release")));
            return m.find() ? Integer.parseInt(m.group(1)) : 0;
        } catch (IOException | RuntimeException unreadable) {
            return 0;
        }
    }

    static final class Running implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final Process process;
        final ApicurioRegistry registry;

        private Running(Process process, ApicurioRegistry registry) {
            this.process = process;
            this.registry = registry;
        }

        static Running start(Path home, Path java) {
            int port = freePort();
            List<String> cmd = List.of(java.toString(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                    "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
                    // 3.3.x opens a management interface (health, metrics) on 0.0.0.0:9000 unless moved
                    "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + freePort(),
                    // storage is in-memory H2 by default; a smaller pool than the default 20..100 connections
                    "-Dapicurio.datasource.jdbc.initial-size=2", "-Dapicurio.datasource.jdbc.min-size=2",
                    "-Dapicurio.datasource.jdbc.max-size=10",
                    "-jar", home.resolve("quarkus-run.jar").toString());
            Path log = home.resolveSibling(home.getFileName() + ".log");
            Process p;
            try {
                p = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + cmd, e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
            String base = "http://127.0.0.1:" + port;
            awaitReady(p, URI.create(base + "/apis/registry/v3/system/info"), cmd, log);
            return new Running(p, new ApicurioRegistry(base + "/apis/registry/v3"));
        }

        private static void awaitReady(Process p, URI probe, List<String> cmd, Path log) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + READY_WITHIN.toNanos();
            try {
                while (true) {
                    if (!p.isAlive()) {
                        throw new IllegalStateException("Apicurio Registry exited with " + p.exitValue() + " (" + cmd
                                + "); see " + log + ":\n" + tail(log));
                    }
                    try {
                        if (http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                            return;
                        }
                    } catch (IOException notListeningYet) {
                        // starting
                    }
                    if (System.nanoTime() > deadline) {
                        p.destroyForcibly();
                        throw new IllegalStateException("Apicurio Registry not ready after " + READY_WITHIN.toSeconds()
                                + " s; see " + log + ":\n" + tail(log));
                    }
                    Thread.sleep(250);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }

        private static int freePort() {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String tail(Path log) {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }
    }
}
