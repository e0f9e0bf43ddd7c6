package org.sigmavrate.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

/** Paths to the real sample data (tests run with the project root as working folder) and small file helpers. */
final class TestFiles {
    static final Path FLIGHTS = Path.of("data", "flights");

    private TestFiles() {
    }

    static Path flights(String relative) {
        return FLIGHTS.resolve(relative);
    }

    /** Copies the first {@code fraction} of {@code source}'s bytes to {@code target}, as a cut-off download would. */
    static Path truncatedCopy(Path source, Path target, double fraction) throws IOException {
        byte[] bytes = Files.readAllBytes(source);
        Files.write(target, Arrays.copyOf(bytes, (int) (bytes.length * fraction)));
        return target;
    }

    static Path gzip(Path source, Path target) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(target))) {
            Files.copy(source, out);
        }
        return target;
    }

    static Path write(Path target, String content) throws IOException {
        Files.writeString(target, content);
        return target;
    }

    /** The invariant every result keeps: each record is either a report or a problem. */
    static void assertBalanced(ReadResult result) {
        assertEquals(result.records(), result.reports().size() + result.problems().size(),
                "records == reports + problems for " + result.file());
    }
}
