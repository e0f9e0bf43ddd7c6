package org.sigmavrate.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data archive that the build writes beside the packaged service (src/service/pom.xml) fits the JVM and the
 * jar as {@code bin/forecaster serve} starts them: with {@code -Xshare:on} a JVM that cannot map it refuses to start,
 * and the classes of a start (the service's own, Kafka Streams', ONNX Runtime's) come from it instead of the jars.
 * The run is the archive's own ({@link ClassDataArchiveRun}: it ends once the model has loaded), so no broker is
 * needed, and its exit code 0 says that it ended as the build's run does.
 */
class ClassDataArchiveIT {
    private static final Path APP = Path.of("src/service/target/quarkus-app").toAbsolutePath();

    @Test
    void aStartTakesItsClassesFromTheArchive(@TempDir Path dir) throws Exception {
        Path jar = APP.resolve("quarkus-run.jar");
        assumeTrue(Files.isRegularFile(jar), "needs the packaged service: run through mvn verify");
        Path archive = APP.resolve("app-cds.jsa");
        assertTrue(Files.isRegularFile(archive), "the build writes " + archive + " (unless -DskipAppCds=true)");
        Path log = dir.resolve("run.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info",
                "-Dquarkus.appcds.generate=true", "-Dkafka-streams.state.dir=" + dir.resolve("state"),
                "-Dquarkus.http.port=0", "-Dquarkus.log.category.\"org.apache.kafka\".level=ERROR", "-jar",
                jar.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the run ends once the model has loaded");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out.substring(Math.max(0, out.length() - 4000)));
        for (String name : List.of("org.sigmavrate.service.ClassDataArchiveRun", "org.apache.kafka.streams.KafkaStreams",
                "ai.onnxruntime.OrtSession")) {
            Matcher loaded = Pattern.compile("\\] " + Pattern.quote(name) + " source: (.*)").matcher(out);
            assertTrue(loaded.find(), name + " is loaded");
            assertEquals("shared objects file (top)", loaded.group(1).trim(), name + " comes from the archive");
        }
    }
}
