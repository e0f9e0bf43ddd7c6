package org.sigmavrate.ingest;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Opens a flight file as bytes, transparently un-gzipping it. Gzip is recognised by its magic bytes, not by the file
 * name, because providers name gzipped files {@code .json} (readsb traces) and plain ones {@code .gz}.
 */
final class FlightFileInput {
    private static final int BUFFER = 1 << 16;

    private FlightFileInput() {
    }

    static InputStream open(Path file) throws UnreadableFileException {
        requireReadableFile(file);
        InputStream raw = null;
        try {
            raw = new BufferedInputStream(Files.newInputStream(file), BUFFER);
            raw.mark(2);
            int first = raw.read();
            int second = raw.read();
            raw.reset();
            if (first < 0) {
                throw new UnreadableFileException(file, "empty file");
            }
            if (first == 0x1f && second == 0x8b) {
                return new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER);
            }
            return raw;
        } catch (UnreadableFileException e) {
            closeQuietly(raw);
            throw e;
        } catch (EOFException | ZipException e) {
            closeQuietly(raw);
            throw new UnreadableFileException(file, "broken gzip header: " + e.getMessage(), e);
        } catch (IOException e) {
            closeQuietly(raw);
            throw new UnreadableFileException(file, "cannot open: " + e.getMessage(), e);
        }
    }

    static void requireReadableFile(Path file) throws UnreadableFileException {
        if (!Files.exists(file)) {
            throw new UnreadableFileException(file, "no such file");
        }
        if (Files.isDirectory(file)) {
            throw new UnreadableFileException(file, "is a folder, not a file");
        }
        if (!Files.isReadable(file)) {
            throw new UnreadableFileException(file, "not readable (permissions)");
        }
    }

    /**
     * Up to {@code limit} decompressed bytes from the start of the file, for format sniffing. A file cut off
     * inside the first {@code limit} bytes yields what could be read.
     */
    static byte[] head(Path file, int limit) throws UnreadableFileException {
        try (InputStream in = open(file)) {
            byte[] buffer = new byte[limit];
            int filled = 0;
            try {
                int n;
                while (filled < limit && (n = in.read(buffer, filled, limit - filled)) > 0) {
                    filled += n;
                }
            } catch (EOFException | ZipException e) {
                // a cut-off gzip still shows what it is; the reader reports the break
            }
            return java.util.Arrays.copyOf(buffer, filled);
        } catch (IOException e) {
            if (e instanceof UnreadableFileException u) {
                throw u;
            }
            throw new UnreadableFileException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The file name without {@code .gz}, lower-cased, e.g. {@code states_28d23de4.csv}. */
    static String plainName(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // nothing useful to add to the original failure
            }
        }
    }
}
