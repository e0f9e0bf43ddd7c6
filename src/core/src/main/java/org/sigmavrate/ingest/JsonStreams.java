package org.sigmavrate.ingest;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;

/** Small helpers for walking JSON documents with a streaming parser. */
final class JsonStreams {
    private JsonStreams() {
    }

    /** The first token; a file that is empty or not JSON at all is unreadable. */
    static JsonToken firstToken(Path file, JsonParser parser) throws UnreadableFileException {
        try {
            JsonToken token = parser.nextToken();
            if (token == null) {
                throw new UnreadableFileException(file, "empty file (no JSON value)");
            }
            return token;
        } catch (UnreadableFileException e) {
            throw e;
        } catch (JsonProcessingException e) {
            throw new UnreadableFileException(file, "not JSON: " + e.getOriginalMessage(), e);
        } catch (EOFException e) {
            throw new UnreadableFileException(file, "cut off before any data: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UnreadableFileException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /**
     * With the parser on an object's START_OBJECT, moves to the value of field {@code name}, skipping other fields.
     *
     * @return false when the object has no such field (the parser is then on the object's END_OBJECT)
     */
    static boolean moveToField(JsonParser parser, String name) throws IOException {
        while (nextOrEof(parser) == JsonToken.FIELD_NAME) {
            String current = parser.currentName();
            nextOrEof(parser);
            if (current.equals(name)) {
                return true;
            }
            parser.skipChildren();
        }
        return false;
    }

    /** Like {@link JsonParser#nextToken()}, but the end of input inside a document is an EOFException. */
    static JsonToken nextOrEof(JsonParser parser) throws IOException {
        JsonToken token = parser.nextToken();
        if (token == null) {
            throw new EOFException("unexpected end of input");
        }
        return token;
    }

    /**
     * With the parser on START_ARRAY, reads each element as a small tree into {@code into}, so only one element at a
     * time is held as tokens. An IOException leaves the elements read so far in {@code into}.
     */
    static void readArrayElements(JsonParser parser, List<JsonNode> into) throws IOException {
        while (nextOrEof(parser) != JsonToken.END_ARRAY) {
            into.add(parser.readValueAsTree());
        }
    }
}
