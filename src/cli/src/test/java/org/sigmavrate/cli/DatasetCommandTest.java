package org.sigmavrate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;

@QuarkusMainTest
class DatasetCommandTest {
    @TempDir
    Path out;

    @Test
    void buildsADatasetAndPrintsItsSummary(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("dataset", "--input", "data/flights/opensky",
                "data/flights/traffic/fr24", "--out", out.toString(), "--test-fraction", "0.3");
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        String summary = result.getOutput();
        assertTrue(summary.contains("files: 7 read, 0 unreadable"), summary);
        assertTrue(summary.contains("opensky"), summary);
        assertTrue(summary.contains("rejected (by reason):"), summary);
        assertTrue(result.getErrorOutput().contains("[7/7]"), "progress on stderr");
        assertTrue(Files.exists(out.resolve("train_tokens.npy")));
        assertTrue(Files.exists(out.resolve("manifest.json")));
        assertTrue(Files.exists(out.resolve("test_flights.csv")));
    }

    @Test
    void aMissingInputIsAClearErrorNamingIt(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("dataset", "--input", "data/no-such-folder", "--out", out.toString());
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("data/no-such-folder"), result.getErrorOutput());
    }

    @Test
    void anUnreadableFileIsNamedAndTheRestStillBuilt(QuarkusMainLauncher launcher) throws Exception {
        Path bad = out.resolve("broken.json");
        Files.writeString(bad, "this is not a flight file");
        Path ds = out.resolve("ds");
        LaunchResult result = launcher.launch("dataset", "--input", "data/flights/opensky", bad.toString(),
                "--out", ds.toString());
        assertEquals(3, result.exitCode(), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("broken.json"), result.getErrorOutput());
        assertTrue(result.getOutput().contains("unreadable: "), result.getOutput());
        assertTrue(Files.exists(ds.resolve("train_tokens.npy")));
    }

    @Test
    void badOptionsAreRefused(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("dataset", "--input", "data/flights/opensky", "--out", out.toString(),
                "--val-fraction", "0.6", "--test-fraction", "0.5");
        assertEquals(2, result.exitCode());
        assertTrue(result.getErrorOutput().contains("fractions"), result.getErrorOutput());
    }
}
