package org.sigmavrate.domain.spec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.token.BinScale;
import org.sigmavrate.domain.token.Tokenizer;

/** Reads a spec file. The bundled spec is the one this code runs with. */
public final class SpecLoader {
    public static final String BUNDLED_RESOURCE = "/spec/grid-spec-v1.json";
    private static volatile Spec bundled;

    private SpecLoader() {
    }

    public static Spec bundled() {
        Spec result = bundled;
        if (result == null) {
            try (InputStream in = SpecLoader.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("bundled spec " + BUNDLED_RESOURCE + " is missing from the build");
                }
                result = parse(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bundled = result;
        }
        return result;
    }

    public static Spec load(Path file) throws IOException {
        try {
            return parse(Files.readAllBytes(file));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": not a valid spec: " + e.getMessage(), e);
        }
    }

    public static Spec parse(byte[] bytes) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("spec is not JSON: " + e.getMessage(), e);
        }
        JsonNode grid = required(root, "grid");
        GridDefinition gridDefinition = new GridDefinition(
                Math.round(required(grid, "step_seconds").asDouble() * 1000), required(grid, "window_steps").asInt());
        ChannelLimits[] limits = new ChannelLimits[Channel.COUNT];
        for (JsonNode channel : required(root, "channels")) {
            Channel c = channelNamed(required(channel, "name").asText());
            if (required(channel, "index").asInt() != c.ordinal()) {
                throw new IllegalArgumentException("channel " + c.specName() + " must have index " + c.ordinal());
            }
            limits[c.ordinal()] = new ChannelLimits(required(channel, "valid_min").asDouble(),
                    required(channel, "valid_max").asDouble());
        }
        BinScale[] scales = new BinScale[Channel.COUNT];
        int[] first = new int[Channel.COUNT];
        for (JsonNode block : required(root, "vocab")) {
            Channel c = channelNamed(required(block, "channel").asText());
            scales[c.ordinal()] = new BinScale(doubles(required(block, "inner_edges")), doubles(required(block, "values")));
            first[c.ordinal()] = required(block, "first_token").asInt();
        }
        for (Channel c : Channel.values()) {
            if (scales[c.ordinal()] == null || limits[c.ordinal()] == null) {
                throw new IllegalArgumentException("spec lacks channel " + c.specName());
            }
        }
        JsonNode tokens = required(root, "tokens");
        Tokenizer tokenizer = new Tokenizer(required(tokens, "bos").asInt(), required(tokens, "vocab_size").asInt(),
                scales[0], first[0], scales[1], first[1]);
        JsonNode positions = required(root, "positions");
        if (required(positions, "count").asInt() != gridDefinition.positionCount()) {
            throw new IllegalArgumentException("position count disagrees with window_steps x channels");
        }
        return new Spec(required(root, "name").asText(), required(root, "version").asInt(), gridDefinition, tokenizer,
                limits[0], limits[1], required(positions, "start_position").asInt(), bytes, sha256(bytes));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }

    private static Channel channelNamed(String name) {
        for (Channel c : Channel.values()) {
            if (c.specName().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown channel '" + name + "'");
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }

    private static double[] doubles(JsonNode array) {
        double[] result = new double[array.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = array.get(i).asDouble();
        }
        return result;
    }
}
