package org.sigmavrate.dataset;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where each input file comes from: its top folder under the files' common folder ({@code opensky-brazil},
 * {@code traffic}, {@code eastham} for {@code --input data/flights}), or that folder's own name for a file directly
 * in it. Written with every window, so that a model can be scored per source and trained without one
 * (leave-one-source-out) from the same dataset.
 */
final class Origins {
    private final Map<Path, String> origins = new HashMap<>();

    Origins(List<Path> files) {
        Path common = null;
        for (Path file : files) {
            Path folder = file.toAbsolutePath().normalize().getParent();
            common = common == null ? folder : commonFolder(common, folder);
        }
        for (Path file : files) {
            Path absolute = file.toAbsolutePath().normalize();
            Path relative = common.relativize(absolute);
            String origin = relative.getNameCount() > 1 ? relative.getName(0).toString()
                    : common.getFileName() == null ? "" : common.getFileName().toString();
            origins.put(file, origin);
        }
    }

    String of(Path file) {
        return origins.getOrDefault(file, "");
    }

    private static Path commonFolder(Path a, Path b) {
        Path p = a;
        while (p != null && !b.startsWith(p)) {
            p = p.getParent();
        }
        return p == null ? a.getRoot() : p;
    }
}
