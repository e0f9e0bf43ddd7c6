package org.sigmavrate.ingest;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A (possibly gzipped) UTF-8 text file read line by line, counting 1-based line numbers. */
final class TextLines implements Closeable {
    private final BufferedReader reader;
    private long lineNumber;

    TextLines(Path file) throws UnreadableFileException {
        this.reader = new BufferedReader(new InputStreamReader(FlightFileInput.open(file), StandardCharsets.UTF_8),
                1 << 16);
    }

    /** The next line without its terminator, null at the end. A byte-order mark on line 1 is dropped. */
    String next() throws IOException {
        String line = reader.readLine();
        if (line != null) {
            lineNumber++;
            if (lineNumber == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
        }
        return line;
    }

    /**
     * The next line that is not blank, or null at the end of the file or where the stream breaks; a break is
     * recorded in {@code result} (the lines before it stay read).
     */
    String nextNonBlank(ReadResultBuilder result) {
        while (true) {
            String line;
            try {
                line = next();
            } catch (IOException e) {
                result.streamBroke(lineNumber + 1, e);
                return null;
            }
            if (line == null || !line.isBlank()) {
                return line;
            }
        }
    }

    /** Number of the line last returned by {@link #next()}. */
    long lineNumber() {
        return lineNumber;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
