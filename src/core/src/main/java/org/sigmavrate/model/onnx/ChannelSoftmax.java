package org.sigmavrate.model.onnx;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.HashMap;
import java.util.Map;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import org.sigmavrate.domain.grid.Channel;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.token.Tokenizer;

/**
 * Each channel's bin probabilities from the logits of a forward call, computed by ONNX Runtime: a density pass needs,
 * for every query row, the softmax over its channel's block of the vocabulary (243 rate bins, 2,041 altitude bins),
 * and in Java that is one {@code Math.exp} per bin, about a fifth of an int8 pass. ONNX Runtime's Softmax is
 * vectorised: it does both blocks of a row in about a third of the time Java takes for one ({@code bin/forecaster
 * bench}, "channel softmax"). The graph ({@value #RESOURCE}) is a Slice and a Softmax per channel, built from the
 * spec by the trainer ({@code python -m sigmavrate_trainer channel-softmax}) and refused unless it carries the spec's
 * SHA-256. It reads the forward call's pinned logits in place and writes into pinned buffers of the calling thread.
 */
public final class ChannelSoftmax implements AutoCloseable {
    static final String RESOURCE = "/onnx/channel-softmax.onnx";
    private static final String INPUT = "logits";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final int vocab;
    private final int[] bins = new int[Channel.COUNT];
    private final String[] outputs = new String[Channel.COUNT];
    private final ThreadLocal<FloatBuffer[]> scratch = ThreadLocal.withInitial(() -> new FloatBuffer[Channel.COUNT]);

    private ChannelSoftmax(OrtEnvironment env, OrtSession session, Tokenizer tokenizer) {
        this.env = env;
        this.session = session;
        this.vocab = tokenizer.vocabSize();
        for (Channel c : Channel.values()) {
            bins[c.ordinal()] = tokenizer.scale(c).size();
            outputs[c.ordinal()] = "probabilities_" + c.specName();
        }
    }

    /** Loads the bundled graph, checked against {@code spec} (its hash, its outputs). */
    static ChannelSoftmax open(OrtEnvironment env, Spec spec, int intraOpThreads) {
        byte[] graph;
        try (InputStream in = ChannelSoftmax.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new ModelLoadException("the channel softmax graph " + RESOURCE + " is missing from the build");
            }
            graph = in.readAllBytes();
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + RESOURCE + ": " + e.getMessage(), e);
        }
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(intraOpThreads);
            options.setInterOpNumThreads(1);
            session = env.createSession(graph, options);
            String sha = session.getMetadata().getCustomMetadata().get("spec_sha256");
            if (!spec.sha256().equalsIgnoreCase(String.valueOf(sha))) {
                throw new SpecMismatchException(RESOURCE + " was built for spec sha256 " + sha + ", this code runs "
                        + spec.sha256() + ": rebuild it (python -m sigmavrate_trainer channel-softmax)", sha,
                        spec.sha256());
            }
            ChannelSoftmax softmax = new ChannelSoftmax(env, session, spec.tokenizer());
            for (String output : softmax.outputs) {
                if (!session.getOutputInfo().containsKey(output)) {
                    throw new ModelLoadException(RESOURCE + " has outputs " + session.getOutputInfo().keySet()
                            + ", expected " + output);
                }
            }
            return softmax;
        } catch (OrtException e) {
            SigmaGptSession.closeQuietly(session);
            throw new ModelLoadException("cannot load " + RESOURCE + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            SigmaGptSession.closeQuietly(session);
            throw e;
        }
    }

    /** The probabilities of every output row of {@code logits}; valid until this thread's next call. */
    public ChannelProbabilities of(Logits logits) {
        int rows = logits.batch() * logits.rows();
        FloatBuffer[] out = buffers(rows);
        FloatBuffer in = logits.data().duplicate();
        in.clear().limit(rows * vocab);
        Map<String, OnnxTensor> pinned = new HashMap<>();
        try (OnnxTensor tIn = OnnxTensor.createTensor(env, in, new long[] {rows, vocab});
                OnnxTensor rate = output(out, Channel.VERTICAL_RATE, rows);
                OnnxTensor altitude = output(out, Channel.ALTITUDE, rows)) {
            pinned.put(outputs[Channel.VERTICAL_RATE.ordinal()], rate);
            pinned.put(outputs[Channel.ALTITUDE.ordinal()], altitude);
            try (OrtSession.Result ignored = session.run(Map.of(INPUT, tIn), pinned)) {
                return new ChannelProbabilities(logits, out, bins);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("the channel softmax failed on " + rows + " rows: " + e.getMessage(), e);
        }
    }

    private OnnxTensor output(FloatBuffer[] out, Channel c, int rows) throws OrtException {
        FloatBuffer b = out[c.ordinal()].duplicate();
        b.clear().limit(rows * bins[c.ordinal()]);
        return OnnxTensor.createTensor(env, b, new long[] {rows, bins[c.ordinal()]});
    }

    private FloatBuffer[] buffers(int rows) {
        FloatBuffer[] out = scratch.get();
        for (Channel c : Channel.values()) {
            int need = rows * bins[c.ordinal()];
            FloatBuffer b = out[c.ordinal()];
            if (b == null || b.capacity() < need) {
                int cap = Math.max(need, b == null ? 0 : b.capacity() * 3 / 2);
                out[c.ordinal()] = ByteBuffer.allocateDirect(cap * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
        }
        return out;
    }

    @Override
    public void close() {
        SigmaGptSession.closeQuietly(session);
    }
}
