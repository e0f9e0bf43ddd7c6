package org.sigmavrate.domain.token;

import org.sigmavrate.domain.grid.Channel;

/**
 * Maps channel values to the model's global token ids and back. Token {@code bos} is the start token;
 * each channel owns a contiguous block of ids, in ascending value order.
 */
public final class Tokenizer {
    private final int bos;
    private final int vocabSize;
    private final BinScale[] scales = new BinScale[Channel.COUNT];
    private final int[] firstToken = new int[Channel.COUNT];

    public Tokenizer(int bos, int vocabSize, BinScale rateScale, int rateFirstToken, BinScale altitudeScale,
            int altitudeFirstToken) {
        this.bos = bos;
        this.vocabSize = vocabSize;
        scales[Channel.VERTICAL_RATE.ordinal()] = rateScale;
        scales[Channel.ALTITUDE.ordinal()] = altitudeScale;
        firstToken[Channel.VERTICAL_RATE.ordinal()] = rateFirstToken;
        firstToken[Channel.ALTITUDE.ordinal()] = altitudeFirstToken;
        for (Channel c : Channel.values()) {
            if (firstToken(c) < 0 || firstToken(c) + scale(c).size() > vocabSize) {
                throw new IllegalArgumentException("token block of " + c + " lies outside the vocabulary");
            }
        }
    }

    public int bos() {
        return bos;
    }

    public int vocabSize() {
        return vocabSize;
    }

    public BinScale scale(Channel channel) {
        return scales[channel.ordinal()];
    }

    public int firstToken(Channel channel) {
        return firstToken[channel.ordinal()];
    }

    public int encode(Channel channel, double value) {
        return firstToken(channel) + scale(channel).bin(value);
    }

    public double decode(int token) {
        Channel channel = channelOf(token);
        return scale(channel).value(token - firstToken(channel));
    }

    public Channel channelOf(int token) {
        for (Channel c : Channel.values()) {
            if (token >= firstToken(c) && token < firstToken(c) + scale(c).size()) {
                return c;
            }
        }
        throw new IllegalArgumentException("token " + token + " is not a value token");
    }
}
