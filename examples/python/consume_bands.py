#!/usr/bin/env python3
"""Consumes the forecaster's density bands and prints them as JSON lines, with Debian's python3-confluent-kafka
and python3-avro only (apt-get install python3-confluent-kafka python3-avro).

The default encoding, Avro single-object, is 10 bytes of header and then the Avro binary datum:
  C3 01            magic
  8 bytes          CRC-64-AVRO fingerprint (little-endian) of the writer schema's parsing canonical form
  ...              the record, Avro binary
This script strips the header, checks that the fingerprint is that of the schema it was given (or of a version it
was also given with --schema), and decodes the rest with that schema. Records of the JSON output option
(forecaster.output.format=json: Avro's JSON encoding, nullable fields as {"string": ...}) are read too.

Each output line: {"key", "partition", "offset", "timestamp", "encoding", "value"}, the value as plain JSON
(timestamps in epoch milliseconds, nullable fields as their value or null).

  /usr/bin/python3 examples/python/consume_bands.py --bootstrap localhost:9092 --topic density-bands --max 10
"""
import argparse
import datetime
import io
import json
import os
import re
import struct
import sys
import time

import avro.io
import avro.schema
from confluent_kafka import Consumer, TopicPartition, OFFSET_BEGINNING, OFFSET_END

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SCHEMA = os.path.join(HERE, "..", "..", "schemas", "DensityBands.avsc")
EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)

# CRC-64-AVRO, as the Avro specification defines it ("Schema Fingerprints")
_EMPTY = 0xC15D213AA4D7A795
_TABLE = []
for _i in range(256):
    _fp = _i
    for _ in range(8):
        _fp = (_fp >> 1) ^ (_EMPTY & -(_fp & 1))
    _TABLE.append(_fp)


def crc64_avro(data: bytes) -> int:
    fp = _EMPTY
    for b in data:
        fp = (fp >> 8) ^ _TABLE[(fp ^ b) & 0xFF]
    return fp


# python3-avro 1.11 (Debian 12) writes a primitive that had a logical type as {"type":"long"} in the parsing
# canonical form; the specification (and Java's SchemaNormalization) strips it to "long"
_WRAPPED_PRIMITIVE = re.compile(r'\{"type":"(null|boolean|int|long|float|double|bytes|string)"\}')


def parsing_canonical_form(schema) -> str:
    return _WRAPPED_PRIMITIVE.sub(r'"\1"', schema.canonical_form)


def fingerprint(schema) -> bytes:
    """The 8 bytes a single-object record of this schema carries after C3 01."""
    return struct.pack("<Q", crc64_avro(parsing_canonical_form(schema).encode("utf-8")))


def plain(value):
    """A decoded datum as plain JSON: datetimes (timestamp-millis) back to epoch milliseconds."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, datetime.datetime):
        return (value - EPOCH) // datetime.timedelta(milliseconds=1)
    return value


def unwrap_json(schema, value):
    """A record of Avro's JSON encoding as plain JSON: a union's {"type": value} becomes its value."""
    if isinstance(schema, avro.schema.UnionSchema):
        if value is None:
            return None
        (branch_name, inner), = value.items()
        for branch in schema.schemas:
            if getattr(branch, "fullname", branch.type) == branch_name or branch.type == branch_name:
                return unwrap_json(branch, inner)
        raise ValueError("no union branch " + branch_name)
    if isinstance(schema, avro.schema.RecordSchema):
        return {f.name: unwrap_json(f.type, value.get(f.name)) for f in schema.fields}
    if isinstance(schema, avro.schema.ArraySchema):
        return [unwrap_json(schema.items, v) for v in value]
    return value


class Decoder:
    def __init__(self, schemas):
        self.reader_schema = schemas[0]
        self.by_fingerprint = {fingerprint(s): s for s in schemas}

    def decode(self, data: bytes):
        """(encoding, plain value) of one record's value."""
        if data[:2] == b"\xc3\x01":
            writer = self.by_fingerprint.get(data[2:10])
            if writer is None:
                raise ValueError("fingerprint %s is none of the given schemas'" % data[2:10].hex())
            reader = avro.io.DatumReader(writer, self.reader_schema)
            datum = reader.read(avro.io.BinaryDecoder(io.BytesIO(data[10:])))
            return "avro-single-object", plain(datum)
        if data[:1] == b"{":
            return "json", unwrap_json(self.reader_schema, json.loads(data))
        if data[:1] == b"\x00":
            raise ValueError("Confluent wire format (registry mode): use a registry-aware client")
        raise ValueError("neither Avro single-object nor JSON")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--bootstrap", default="localhost:9092")
    p.add_argument("--topic", default="density-bands")
    p.add_argument("--schema", action="append", help="writer schema(s); the first is the reader's "
                   "(default: schemas/DensityBands.avsc)")
    p.add_argument("--max", type=int, default=0, help="stop after N records (0: never)")
    p.add_argument("--latest", action="store_true", help="only new records (default: from the beginning)")
    p.add_argument("--idle-exit", type=float, default=0, help="stop after this many seconds without a record")
    args = p.parse_args(argv)

    schemas = [avro.schema.parse(open(path).read()) for path in (args.schema or [DEFAULT_SCHEMA])]
    decoder = Decoder(schemas)
    consumer = Consumer({
        "bootstrap.servers": args.bootstrap,
        "group.id": "sigma-vrate-python-example",  # required by librdkafka; nothing is committed
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
    })
    metadata = consumer.list_topics(args.topic, timeout=30)
    topic = metadata.topics.get(args.topic)
    if topic is None or topic.error is not None or not topic.partitions:
        print("consume_bands: no topic %s on %s" % (args.topic, args.bootstrap), file=sys.stderr)
        return 2
    start = OFFSET_END if args.latest else OFFSET_BEGINNING
    consumer.assign([TopicPartition(args.topic, partition, start) for partition in sorted(topic.partitions)])
    printed = 0
    last = time.monotonic()
    try:
        while args.max <= 0 or printed < args.max:
            msg = consumer.poll(0.2)
            if msg is None:
                if args.idle_exit and time.monotonic() - last > args.idle_exit:
                    break
                continue
            if msg.error():
                print("consume_bands: %s" % msg.error(), file=sys.stderr)
                continue
            last = time.monotonic()
            key = msg.key().decode("utf-8") if msg.key() is not None else None
            encoding, value = decoder.decode(msg.value())
            print(json.dumps({"key": key, "partition": msg.partition(), "offset": msg.offset(),
                              "timestamp": msg.timestamp()[1], "encoding": encoding, "value": value}), flush=True)
            printed += 1
    finally:
        consumer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
