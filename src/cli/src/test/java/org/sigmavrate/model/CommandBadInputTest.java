package org.sigmavrate.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sigmavrate.cli.EvaluateCommand;
import org.sigmavrate.cli.InfillCommand;

/** infill and evaluate explain bad input instead of failing obscurely. */
class CommandBadInputTest {
    @TempDir
    Path dir;

    private String[] args(String command, Path input, String... more) {
        List<String> a = new ArrayList<>(List.of("--input", input.toString(), "--model", TinyModel.directory().toString(),
                "--out", dir.resolve(command.equals("infill") ? "out.jsonl" : "metrics.json").toString()));
        a.addAll(List.of(more));
        return a.toArray(String[]::new);
    }

    @Test
    void unknownFormatIsNamed() throws IOException {
        Path f = dir.resolve("weird.csv");
        Files.writeString(f, "a,b,c\n1,2,3\n");
        CommandRun e = CommandRun.of(new EvaluateCommand(), args("evaluate", f));
        assertEquals(2, e.exit());
        assertTrue(e.err().contains("weird.csv") && e.err().contains("not a supported flight file"), e.err());
        CommandRun i = CommandRun.of(new InfillCommand(), args("infill", f));
        assertEquals(2, i.exit());
        assertTrue(i.err().contains("not a supported flight file") && i.err().contains("no flight to infill"), i.err());
    }

    @Test
    void emptyFileIsNamed() throws IOException {
        Path f = dir.resolve("empty.csv");
        Files.writeString(f, "");
        CommandRun e = CommandRun.of(new EvaluateCommand(), args("evaluate", f));
        assertEquals(2, e.exit());
        assertTrue(e.err().contains("empty.csv") && e.err().contains("empty file"), e.err());
        CommandRun i = CommandRun.of(new InfillCommand(), args("infill", f));
        assertEquals(2, i.exit());
        assertTrue(i.err().contains("empty file"), i.err());
    }

    @Test
    void flightsShorterThanAWindowAreExplainedAndShortFlightsStillInfill() throws IOException {
        Path f = dir.resolve("short.csv");
        StringBuilder b = new StringBuilder(
                "flight_id,timestamp,latitude,longitude,altitude_ft,vertical_rate_fpm,groundspeed_kt,track_deg\n");
        for (int k = 0; k < 30; k++) {
            b.append("3c6586-a,").append(1672574400 + 10 * k).append(",48.35,11.78,").append(3000 + 200 * k)
                    .append(",1216,180,262\n");
        }
        Files.writeString(f, b.toString());
        CommandRun e = CommandRun.of(new EvaluateCommand(), args("evaluate", f));
        assertEquals(2, e.exit());
        assertTrue(e.err().contains("no evaluation window") && e.err().contains("1 flight(s)")
                && e.err().contains("64 consecutive"), e.err());
        CommandRun i = CommandRun.of(new InfillCommand(), args("infill", f, "--samples", "2"));
        assertEquals(0, i.exit(), i.err());
        assertTrue(Files.readString(dir.resolve("out.jsonl")).contains("\"flight_id\":\"3c6586-"));
    }

    @Test
    void unknownProtocolIsRefused() throws IOException {
        Path f = dir.resolve("x.csv");
        Files.writeString(f, "flight_id,timestamp,altitude_ft,vertical_rate_fpm\n");
        CommandRun e = CommandRun.of(new EvaluateCommand(), args("evaluate", f, "--protocol", "sparse50"));
        assertEquals(2, e.exit());
        assertTrue(e.err().contains("unknown protocol"), e.err());
    }
}
