package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;
import org.sigmavrate.avro.v1.SurveillanceReport;
import org.sigmavrate.domain.flight.Report;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;
import org.sigmavrate.model.baseline.AltitudeDifferenceForecaster;

/**
 * Bad records in detail (the real broker's tier is {@link HostileRecordsTest}): dead letters timestamped with the
 * wall clock, Avro lengths bounded by the record, strings capped, dead letters cut to their limit.
 */
class BadRecordsTest {
    private static final Spec SPEC = SpecLoader.bundled();
    /** the test driver's wall clock */
    private static final long NOW = Fixtures.T0 + 3_600_000;
    private TopologyTestDriver driver;
    private final StreamingMetrics metrics = StreamingMetrics.noop();
    private TestInputTopic<byte[], byte[]> input;
    private TestOutputTopic<String, byte[]> dead;
    private TestOutputTopic<String, byte[]> bands;

    private void start(StreamingSettings settings) {
        start(settings, new Properties());
    }

    private void start(StreamingSettings settings, Properties props) {
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bad-records-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        try {
            props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ttd").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        driver = new TopologyTestDriver(ForecastTopology.build(settings, SPEC, new AltitudeDifferenceForecaster(),
                AvroFormat.singleObject(), metrics), props, Instant.ofEpochMilli(NOW));
        input = driver.createInputTopic(settings.topics().input(), new ByteArraySerializer(), new ByteArraySerializer());
        dead = driver.createOutputTopic(settings.topics().deadLetter(), new StringDeserializer(), new ByteArrayDeserializer());
        bands = driver.createOutputTopic(settings.topics().bands(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void close() {
        if (driver != null) {
            driver.close();
        }
    }

    private void send(String key, byte[] value) {
        input.pipeInput(key == null ? null : key.getBytes(StandardCharsets.UTF_8), value);
    }

    private static String header(TestRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    /** The single-object header of SurveillanceReport: C3 01 and the schema's fingerprint. */
    static byte[] reportHeader() {
        return Arrays.copyOf(Fixtures.bytes(Fixtures.climbing("3c6586", Fixtures.T0)), 10);
    }

    /** A record that declares its icao24 string {@code declared} bytes long and holds only a few. */
    static byte[] declaringString(long declared) {
        byte[] header = reportHeader();
        byte[] out = Arrays.copyOf(header, 20);
        long zigzag = declared << 1;
        int i = 10;
        while ((zigzag & ~0x7fL) != 0) {
            out[i++] = (byte) ((zigzag & 0x7f) | 0x80);
            zigzag >>>= 7;
        }
        out[i++] = (byte) zigzag;
        return Arrays.copyOf(out, i);
    }

    @Test
    void aDeadLetterCarriesTheWallClockAndItsOriginalTimeInAHeader() {
        start(Fixtures.settings(SPEC));
        long ahead = Fixtures.T0 + 30L * 24 * 3_600_000;
        send("3c6586", Fixtures.bytes(Fixtures.climbing("3c6586", ahead)));
        TestRecord<String, byte[]> r = dead.readRecord();
        assertEquals("future", header(r, ReportDecoder.REASON_HEADER));
        assertEquals(NOW, r.timestamp(), "the broker would refuse the report's own time, 30 days ahead");
        assertEquals(Long.toString(ahead), header(r, ReportDecoder.ORIGINAL_TIMESTAMP_HEADER));
        assertNull(header(r, ReportDecoder.TRUNCATED_HEADER));
    }

    @Test
    void aReportOlderThanTheMaxAgeIsDeadLettered() {
        start(Fixtures.settings(SPEC));
        send("3c6586", Fixtures.bytes(Fixtures.climbing("3c6586", NOW - 8L * 24 * 3_600_000)));
        TestRecord<String, byte[]> r = dead.readRecord();
        assertEquals("too-old", header(r, ReportDecoder.REASON_HEADER));
        assertTrue(header(r, ReportDecoder.DETAIL_HEADER).contains("behind the clock"));
    }

    @Test
    void fifteenBytesDeclaringATwoGigabyteStringAreRefusedWithoutAllocatingIt() {
        byte[] hostile = declaringString(2_000_000_000L);
        assertEquals(15, hostile.length);
        var deserializer = AvroFormat.singleObjectSerde(SurveillanceReport.class).deserializer();
        SerializationException e = assertThrows(SerializationException.class,
                () -> deserializer.deserialize("t", hostile));
        assertTrue(e.getMessage().contains("runs past the record's 15 bytes"), e.getMessage());
        start(Fixtures.settings(SPEC));
        send("3c6586", hostile);
        send("3c6586", declaringString(Integer.MAX_VALUE + 10L));
        send("3c6586", declaringString(-5));
        for (int i = 0; i < 3; i++) {
            assertEquals("undecodable", header(dead.readRecord(), ReportDecoder.REASON_HEADER));
        }
        assertEquals(3.0, metrics.count("sigmavrate.dead.lettered", "reason", "undecodable"), 0.0);
    }

    @Test
    void stringsLongerThanAReportHoldsAreRefused() {
        start(Fixtures.settings(SPEC));
        SurveillanceReport callsign = Fixtures.climbing("3c6586", Fixtures.T0);
        callsign.setCallsign("C".repeat(70_000));
        SurveillanceReport source = Fixtures.climbing("3c6586", Fixtures.T0);
        source.setDataSource("\u00e9".repeat(ReportValidator.MAX_DATA_SOURCE_CHARS + 1));
        SurveillanceReport icao = Fixtures.climbing("3c6586", Fixtures.T0);
        icao.setIcao24("3c6586" + " ".repeat(100_000));
        for (SurveillanceReport r : List.of(callsign, source, icao)) {
            send("3c6586", Fixtures.bytes(r));
        }
        List<TestRecord<String, byte[]>> out = dead.readRecordsToList();
        assertEquals(List.of("too-long", "too-long", "too-long"),
                out.stream().map(r -> header(r, ReportDecoder.REASON_HEADER)).toList());
        assertTrue(header(out.get(0), ReportDecoder.DETAIL_HEADER).startsWith("callsign has 70000 chars"));
        SurveillanceReport fine = Fixtures.climbing("3c6586", Fixtures.T0);
        fine.setCallsign("DLH4AB  ");
        fine.setDataSource("s".repeat(ReportValidator.MAX_DATA_SOURCE_CHARS));
        send("3c6586", Fixtures.bytes(fine));
        assertTrue(dead.isEmpty(), "a real callsign and a long label are fine");
    }

    @Test
    void aDeadLetterOverItsLimitIsCutWithAHeaderAndTheStreamGoesOn() {
        StreamingSettings settings = Fixtures.settings(SPEC).withRecordLimits(new StreamingSettings.RecordLimits(0, 4096));
        start(settings);
        SurveillanceReport big = Fixtures.climbing("3c6586", Fixtures.T0);
        big.setDataSource("x".repeat(10_000));
        byte[] original = Fixtures.bytes(big);
        send("3c6586", original);
        RecordHeaders own = new RecordHeaders();
        own.add("producer-trace", new byte[4000]);
        input.pipeInput(new TestRecord<>("3c6586".getBytes(StandardCharsets.UTF_8), new byte[] {9, 9, 9}, own));
        send("3c6586", Fixtures.bytes(Fixtures.climbing("3c6586", Fixtures.T0)));
        send("3c6586", Fixtures.bytes(Fixtures.climbing("3c6586", Fixtures.T0 + 10_000)));
        driver.advanceWallClockTime(Duration.ofMillis(settings.batchEveryMillis()));

        TestRecord<String, byte[]> cut = dead.readRecord();
        assertEquals("too-long", header(cut, ReportDecoder.REASON_HEADER));
        assertEquals(Integer.toString(original.length), header(cut, ReportDecoder.TRUNCATED_HEADER));
        assertTrue(size(cut) <= 4096, "size " + size(cut));
        assertTrue(cut.value().length > 3000, "the rest is the original's start: " + cut.value().length);
        assertArrayEquals(Arrays.copyOf(original, cut.value().length), cut.value());

        TestRecord<String, byte[]> headers = dead.readRecord();
        assertTrue(Long.parseLong(header(headers, ReportDecoder.HEADERS_DROPPED_HEADER)) >= 4000);
        assertNull(headers.headers().lastHeader("producer-trace"), "its own header left out to fit");
        assertArrayEquals(new byte[] {9, 9, 9}, headers.value(), "a small value is kept whole");
        assertEquals(1, bands.readRecordsToList().size(), "good reports after them still forecast");
    }

    private static long size(TestRecord<String, byte[]> r) {
        long n = r.value().length + (r.key() == null ? 0 : r.key().length()) + ReportDecoder.RECORD_OVERHEAD;
        for (var h : r.headers()) {
            n += h.key().length() + h.value().length + 10;
        }
        return n;
    }

    @Test
    void aRecordThatThrowsInAProcessorIsSkippedAndCountedByTheHandlerAndTheStreamGoesOn() {
        // the forecaster's topology has no record left that throws in a processor (unreadable state starts the
        // aircraft afresh): the handler is shown on a processor that throws on purpose
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream("in", Consumed.with(Serdes.String(), Serdes.String()))
                .process(() -> new Processor<String, String, String, String>() {
                    private ProcessorContext<String, String> context;

                    @Override
                    public void init(ProcessorContext<String, String> c) {
                        context = c;
                    }

                    @Override
                    public void process(Record<String, String> r) {
                        if (r.value().equals("poison")) {
                            throw new IllegalStateException("this record always fails");
                        }
                        context.forward(r);
                    }
                }).to("out", Produced.with(Serdes.String(), Serdes.String()));
        Properties props = Fixtures.driverProperties("handler-test");
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, SkipAndCountHandler.class.getName());
        double before = metrics.count("sigmavrate.records.skipped", "handler", "processing");
        try (TopologyTestDriver d = new TopologyTestDriver(builder.build(), props)) {
            TestInputTopic<String, String> in = d.createInputTopic("in", new StringSerializer(), new StringSerializer());
            TestOutputTopic<String, String> out = d.createOutputTopic("out", new StringDeserializer(),
                    new StringDeserializer());
            in.pipeInput("a", "one");
            in.pipeInput("b", "poison");
            in.pipeInput("c", "two");
            assertEquals(List.of("one", "two"), out.readValuesToList(), "the stream goes on past the record");
        }
        assertEquals(before + 1, metrics.count("sigmavrate.records.skipped", "handler", "processing"), 0.0);
    }

    @Test
    void theRePartitionedReportTakesStringsOfAnyLengthAndRefusesGarbageByThrowing() {
        Report r = new Report("3c6586", Fixtures.T0, 48.1, 11.5, 3000, 3100, 1500,
                org.sigmavrate.domain.flight.VerticalRateSource.BAROMETRIC, 180, 262, false, "C".repeat(70_000),
                "d".repeat(70_000), null);
        var serde = ReportSerde.serde();
        assertEquals(r, serde.deserializer().deserialize("t", serde.serializer().serialize("t", r)));
        byte[] garbage = new java.util.Random(7).ints(64, 0, 256).collect(java.io.ByteArrayOutputStream::new,
                (o, b) -> o.write(b), (a, b) -> a.write(b.toByteArray(), 0, b.size())).toByteArray();
        garbage[0] = 2;
        assertThrows(RuntimeException.class, () -> serde.deserializer().deserialize("t", garbage),
                "thrown to the deserialization exception handler, which skips and counts");
    }
}
