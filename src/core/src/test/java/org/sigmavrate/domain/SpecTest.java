package org.sigmavrate.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.domain.token.BinScale;
import org.sigmavrate.domain.token.Tokenizer;

class SpecTest {
    private final Spec spec = SpecLoader.bundled();

    @Test
    void hashIsTheSha256OfTheFileBytes() throws Exception {
        try (InputStream in = SpecTest.class.getResourceAsStream(SpecLoader.BUNDLED_RESOURCE)) {
            assertEquals(SpecLoader.sha256(in.readAllBytes()), spec.sha256());
        }
        assertEquals(64, spec.sha256().length());
    }

    @Test
    void gridAndVocabularyAreTheDocumentedOnes() {
        assertEquals(10_000, spec.grid().stepMillis());
        assertEquals(64, spec.grid().windowSteps());
        assertEquals(128, spec.grid().positionCount());
        assertEquals(128, spec.startPosition());
        Tokenizer t = spec.tokenizer();
        assertEquals(0, t.bos());
        assertEquals(1, t.firstToken(Channel.VERTICAL_RATE));
        assertEquals(t.firstToken(Channel.VERTICAL_RATE) + t.scale(Channel.VERTICAL_RATE).size(),
                t.firstToken(Channel.ALTITUDE));
        assertEquals(t.firstToken(Channel.ALTITUDE) + t.scale(Channel.ALTITUDE).size(), t.vocabSize());
    }

    @Test
    void coreRateBinsAreAtMost50FtPerMinuteWide() {
        BinScale rate = spec.tokenizer().scale(Channel.VERTICAL_RATE);
        // 95% of the rates in data/flights lie within about +-1,600 ft/min (README, tokenizer section)
        for (int bin = rate.bin(-3000); bin <= rate.bin(3000); bin++) {
            assertTrue(rate.upperEdge(bin) - rate.lowerEdge(bin) <= 50, "bin " + bin + " too wide");
        }
    }

    @Test
    void adsbQuantaAreBinCentres() {
        Tokenizer t = spec.tokenizer();
        for (int rate = -3008; rate <= 3008; rate += 64) {
            assertEquals(rate, t.decode(t.encode(Channel.VERTICAL_RATE, rate)));
        }
        for (int altitude = -1000; altitude <= 50_000; altitude += 25) {
            assertEquals(altitude, t.decode(t.encode(Channel.ALTITUDE, altitude)));
        }
    }

    @Test
    void tailsAreOpenEnded() {
        Tokenizer t = spec.tokenizer();
        assertEquals(t.firstToken(Channel.VERTICAL_RATE), t.encode(Channel.VERTICAL_RATE, -1e9));
        assertEquals(t.firstToken(Channel.ALTITUDE) - 1, t.encode(Channel.VERTICAL_RATE, 1e9));
        assertEquals(t.vocabSize() - 1, t.encode(Channel.ALTITUDE, 1e9));
    }

    @Test
    void anyChangeToTheSpecChangesItsHash() {
        byte[] bytes = spec.bytes();
        String text = new String(bytes, StandardCharsets.UTF_8).replace("\"step_seconds\": 10", "\"step_seconds\": 5");
        Spec other = SpecLoader.parse(text.getBytes(StandardCharsets.UTF_8));
        assertEquals(5_000, other.grid().stepMillis());
        assertNotEquals(spec.sha256(), other.sha256());
    }

    @Test
    void malformedSpecIsRefusedWithTheMissingField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpecLoader.parse("{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("grid"), e.getMessage());
    }
}
