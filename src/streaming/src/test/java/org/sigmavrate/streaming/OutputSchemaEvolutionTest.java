package org.sigmavrate.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.sigmavrate.avro.v1.BandStep;
import org.sigmavrate.avro.v1.ChannelBand;
import org.sigmavrate.avro.v1.ChannelStep;
import org.sigmavrate.avro.v1.DensityBands;
import org.sigmavrate.avro.v1.InfilledTrajectory;
import org.sigmavrate.avro.v1.TrajectoryStep;

/**
 * The output schemas evolve compatibly both ways: consumers built on version 1 read the service's records, and the
 * service (its latest-bands changelog, a topic read from its start) reads records written with version 1. Checked by
 * Avro's own {@link SchemaCompatibility} and on real bytes.
 */
class OutputSchemaEvolutionTest {
    private static Schema v1(String name) throws IOException {
        return earlier(name).get(0);
    }

    private static List<Schema> earlier(String name) {
        List<Schema> earlier = AvroFormat.earlierVersions(current(name).getClass());
        assertEquals(2, earlier.size(), "v1 and v2 copies of " + name + " ship next to AvroFormat");
        return earlier;
    }

    private static SpecificRecord current(String name) {
        return name.equals("DensityBands") ? bands() : trajectory();
    }

    private static DensityBands bands() {
        ChannelBand rate = new ChannelBand(false, List.of(-100.0, 0.0, 100.0), 0.0);
        ChannelBand altitude = new ChannelBand(true, List.of(3000.0, 3000.0, 3000.0), 3000.0);
        return new DensityBands("3c6586", "3c6586-20230601T120000Z", "m", "s", Instant.ofEpochMilli(1_685_620_800_000L),
                10_000, Instant.ofEpochMilli(1_685_620_810_000L), List.of(0.05, 0.5, 0.95),
                List.of(new BandStep(Instant.ofEpochMilli(1_685_620_800_000L), rate, altitude)), "DLH4AB", 48.35,
                11.78, "opensky", "left-band");
    }

    private static InfilledTrajectory trajectory() {
        ChannelStep rate = new ChannelStep(false, null, 1500.0, List.of(1400.0, 1600.0));
        ChannelStep altitude = new ChannelStep(true, 3000.0, 3000.0, List.of(3000.0, 3000.0));
        return new InfilledTrajectory("3c6586", "3c6586-20230601T120000Z", "m", "s",
                Instant.ofEpochMilli(1_685_620_800_000L), 10_000, Instant.ofEpochMilli(1_685_620_810_000L),
                List.of(new TrajectoryStep(Instant.ofEpochMilli(1_685_620_800_000L), rate, altitude)), 2, 42L,
                "DLH4AB", 48.35, 11.78, "opensky", "left-band");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DensityBands", "InfilledTrajectory", "SurveillanceReport"})
    @SuppressWarnings({"unchecked", "rawtypes"})
    void theSerdeWritesTheGeneratedEncodersBytesAndReadsThemBack(String name) throws Exception {
        SpecificRecord record = name.equals("SurveillanceReport") ? Fixtures.report("3c6586", Fixtures.T0, null, 1500.0)
                : current(name);
        org.apache.kafka.common.serialization.Serde serde = AvroFormat.singleObjectSerde(record.getClass());
        BinaryMessageEncoder encoder = (BinaryMessageEncoder) record.getClass().getMethod("getEncoder").invoke(null);
        java.nio.ByteBuffer generated = encoder.encode(record);
        byte[] expected = new byte[generated.remaining()];
        generated.get(expected);
        for (int i = 0; i < 3; i++) { // the second and third write reuse the thread's buffer
            byte[] written = serde.serializer().serialize("t", record);
            assertEquals(Arrays.toString(expected), Arrays.toString(written));
            assertEquals(record, serde.deserializer().deserialize("t", written));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"DensityBands", "InfilledTrajectory"})
    void avroFindsTheCurrentVersionCompatibleWithEachEarlierOneBothWays(String name) throws IOException {
        Schema current = current(name).getSchema();
        for (Schema first : earlier(name)) {
        // the fingerprint that single-object encoding writes: the same for the class and the file a consumer reads
        assertEquals(SchemaNormalization.parsingFingerprint64(current), SchemaNormalization.parsingFingerprint64(
                new Schema.Parser().parse(Files.readString(Path.of("schemas", name + ".avsc")))),
                "the generated class is the schema in schemas/");
        assertNotEquals(current, first);
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(current, first).getType(), "new reader, old data");
        assertEquals(SchemaCompatibilityType.COMPATIBLE,
                SchemaCompatibility.checkReaderWriterCompatibility(first, current).getType(), "old reader, new data");
        }
        assertNull(earlier(name).get(1).getField("trigger"), "version 2 has no trigger");
        assertNotEquals(null, earlier(name).get(1).getField("callsign"), "version 2 has the callsign");
    }

    @ParameterizedTest
    @ValueSource(strings = {"DensityBands", "InfilledTrajectory"})
    void aVersionOneConsumerReadsTheServicesRecordsAndTheServiceReadsVersionOneRecords(String name)
            throws IOException {
        SpecificRecord record = current(name);
        @SuppressWarnings("unchecked")
        Class<SpecificRecord> type = (Class<SpecificRecord>) record.getClass();
        Schema first = v1(name);
        byte[] written = AvroFormat.singleObjectSerde(type).serializer().serialize("t", record);

        // a consumer that knows only version 1, told of version 2 (as a registry or a schema store would)
        BinaryMessageDecoder<GenericRecord> old = new BinaryMessageDecoder<>(GenericData.get(), first);
        old.addSchema(record.getSchema());
        GenericRecord seen = old.decode(written);
        assertEquals(first, seen.getSchema());
        assertEquals("3c6586-20230601T120000Z", seen.get("flight_id").toString());
        assertNull(first.getField("callsign"), "version 1 has no callsign");

        // version 1 bytes: everything but the new fields, which read as their default, null
        GenericRecord asV1 = new GenericDatumReader<GenericRecord>(record.getSchema(), first)
                .read(null, DecoderFactory.get().binaryDecoder(
                        Arrays.copyOfRange(written, 10, written.length), null));
        ByteArrayOutputStream v1Bytes = new ByteArrayOutputStream();
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), first).encode(asV1, v1Bytes);
        assertNotEquals(Arrays.toString(Arrays.copyOf(written, 10)),
                Arrays.toString(Arrays.copyOf(v1Bytes.toByteArray(), 10)), "another fingerprint");
        SpecificRecord back = AvroFormat.singleObjectSerde(type).deserializer().deserialize("t", v1Bytes.toByteArray());
        for (String added : List.of("callsign", "last_latitude_deg", "last_longitude_deg", "data_source", "trigger")) {
            assertNull(back.get(back.getSchema().getField(added).pos()), added);
        }
        for (Schema.Field f : first.getFields()) {
            assertEquals(record.get(f.pos()), back.get(f.pos()), f.name());
        }
    }
}
