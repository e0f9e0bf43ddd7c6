package org.sigmavrate.dataset;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GriddedFlight;
import org.sigmavrate.domain.token.Tokenizer;

/** The windows of one split, tokenized, until they are written as {@code .npy} arrays. */
final class SplitBuffer {
    static final int MISSING_TOKEN = -1;

    private final Split split;
    private final Tokenizer tokenizer;
    private final int windowSteps;
    private final List<GriddedFlight> windows = new ArrayList<>();
    private final List<String> origins = new ArrayList<>();

    SplitBuffer(Split split, Tokenizer tokenizer, int windowSteps) {
        this.split = split;
        this.tokenizer = tokenizer;
        this.windowSteps = windowSteps;
    }

    void add(GriddedFlight window, String origin) {
        if (window.steps() != windowSteps) {
            throw new IllegalArgumentException("window of " + window.steps() + " steps, expected " + windowSteps);
        }
        windows.add(window);
        origins.add(origin);
    }

    int size() {
        return windows.size();
    }

    void write(Path dir) throws IOException {
        int n = windows.size();
        int cells = windowSteps * Channel.COUNT;
        int[] tokens = new int[n * cells];
        float[] values = new float[n * cells];
        byte[] flags = new byte[n * windowSteps];
        for (int w = 0; w < n; w++) {
            GriddedFlight window = windows.get(w);
            for (int s = 0; s < windowSteps; s++) {
                for (Channel c : Channel.values()) {
                    int i = w * cells + s * Channel.COUNT + c.ordinal();
                    double v = window.value(s, c);
                    values[i] = (float) v;
                    tokens[i] = Double.isNaN(v) ? MISSING_TOKEN : tokenizer.encode(c, v);
                }
                flags[w * windowSteps + s] = window.rateFlags(s);
            }
        }
        String prefix = split.fileName() + "_";
        NpyWriter.writeInt32(dir.resolve(prefix + "tokens.npy"), tokens, n, windowSteps, Channel.COUNT);
        NpyWriter.writeFloat32(dir.resolve(prefix + "values.npy"), values, n, windowSteps, Channel.COUNT);
        NpyWriter.writeUint8(dir.resolve(prefix + "flags.npy"), flags, n, windowSteps);
        try (Writer index = Files.newBufferedWriter(dir.resolve(prefix + "windows.csv"), StandardCharsets.UTF_8)) {
            index.write("window,flight_id,source,grid_start_ms,origin\n");
            for (int w = 0; w < n; w++) {
                GriddedFlight window = windows.get(w);
                index.write(w + "," + window.flightId() + "," + window.dataSource() + "," + window.startMillis() + ","
                        + origins.get(w) + "\n");
            }
        }
    }
}
