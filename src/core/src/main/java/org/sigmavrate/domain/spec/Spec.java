package org.sigmavrate.domain.spec;

import java.util.Arrays;

import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.grid.GridDefinition;
import org.sigmavrate.domain.token.Tokenizer;

/**
 * The versioned grid and tokenizer definition a model is trained with. Its identity is the SHA-256 of the
 * spec file's exact bytes, which travel unchanged into datasets and models.
 */
public final class Spec {
    private final String name;
    private final int version;
    private final GridDefinition grid;
    private final Tokenizer tokenizer;
    private final ChannelLimits[] limits;
    private final int startPosition;
    private final byte[] bytes;
    private final String sha256;

    Spec(String name, int version, GridDefinition grid, Tokenizer tokenizer, ChannelLimits rateLimits,
            ChannelLimits altitudeLimits, int startPosition, byte[] bytes, String sha256) {
        this.name = name;
        this.version = version;
        this.grid = grid;
        this.tokenizer = tokenizer;
        this.limits = new ChannelLimits[] {rateLimits, altitudeLimits};
        this.startPosition = startPosition;
        this.bytes = bytes.clone();
        this.sha256 = sha256;
    }

    public String name() {
        return name;
    }

    public int version() {
        return version;
    }

    public GridDefinition grid() {
        return grid;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public ChannelLimits limits(Channel channel) {
        return limits[channel.ordinal()];
    }

    /** Input position of the start token, outside the grid's positions. */
    public int startPosition() {
        return startPosition;
    }

    public byte[] bytes() {
        return Arrays.copyOf(bytes, bytes.length);
    }

    public String sha256() {
        return sha256;
    }

    @Override
    public String toString() {
        return name + " v" + version + " (sha256 " + sha256.substring(0, 12) + ")";
    }
}
