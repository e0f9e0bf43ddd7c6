package org.sigmavrate.tools.skill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;

/** One real flight through the service's path with the shipped model: every ahead bucket gets scored steps. */
@QuarkusMainTest
class LiveSkillCommandTest {
    @Test
    void aRealFlightsForecastsAreScoredInEveryAheadBucket(QuarkusMainLauncher launcher) {
        LaunchResult result = launcher.launch("live-skill", "--input", "data/flights/traffic/featured/elal747.json.gz");
        assertEquals(0, result.exitCode(), result.getErrorOutput());
        String out = result.getOutput();
        for (String bucket : new String[] {"0-30s", "30-60s", "60-120s", "0-120s"}) {
            Matcher m = Pattern.compile("(?m)^" + bucket + "\\s+(\\d+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)\\s+([\\d.]+)$")
                    .matcher(out);
            assertTrue(m.find(), bucket + " in\n" + out);
            assertTrue(Long.parseLong(m.group(1)) > 50, out);
            double mae = Double.parseDouble(m.group(2));
            double cov90 = Double.parseDouble(m.group(5));
            assertTrue(mae > 0 && mae < 2000, out);
            assertTrue(cov90 > 0.5 && cov90 <= 1, out);
        }
    }
}
