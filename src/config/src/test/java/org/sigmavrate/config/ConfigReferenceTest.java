package org.sigmavrate.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;

/** docs/STREAMING.md's {@code forecaster.*} reference lists exactly the mapping's keys, each with its default. */
class ConfigReferenceTest {
    private static final String HEADING = "#### `forecaster.*` reference";
    private static final Pattern ROW = Pattern.compile("^\\| `(forecaster\\.[a-z.-]+)` \\| ([^|]+) \\|", Pattern.MULTILINE);

    @Test
    void theReferenceTableIsTheMapping() throws IOException {
        SmallRyeConfig config = ConfigDefaults.config(Map.of());
        Map<String, String> defaults = new TreeMap<>();
        for (String name : config.getPropertyNames()) {
            if (name.startsWith("forecaster.")) {
                defaults.put(name, "`" + config.getRawValue(name) + "`");
            }
        }
        defaults.put("forecaster.model-dir", "(empty)");
        assertTrue(defaults.size() > 25, "the mapping's keys: " + defaults.keySet());
        Map<String, String> documented = new TreeMap<>();
        String doc = Files.readString(Path.of("docs/STREAMING.md"));
        int table = doc.indexOf(HEADING);
        assertTrue(table >= 0, "docs/STREAMING.md has a heading " + HEADING);
        Matcher m = ROW.matcher(doc.substring(table, doc.indexOf("\n#", table + HEADING.length())));
        while (m.find()) {
            documented.put(m.group(1), m.group(2).trim());
        }
        assertEquals(defaults, documented);
    }
}
