package org.sigmavrate.model.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxModelMetadata;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import org.jboss.logging.Logger;
import org.sigmavrate.domain.spec.Spec;
import org.sigmavrate.domain.spec.SpecLoader;

/**
 * One loaded σ-GPT: an ONNX Runtime session shared by all threads (OrtSession.run is thread-safe), checked at load
 * against the spec this code runs. Inputs go in as direct buffers and the logits come back in a pinned direct
 * buffer per thread, so a forward call copies nothing through Java arrays.
 *
 * <p>Two graph formats are read: v1 (inputs {@link #INPUT_NAMES}, logits of every step) and v2 (also
 * {@value #LOGIT_ROWS}: logits of the requested steps only). With v2 each sequence gets the logits of its steps from
 * {@link ModelSequence#outputFrom()} on, which skips the output head and the last block for the known prefix of a
 * density or verification pass.
 */
public final class SigmaGptSession implements AutoCloseable {
    public static final List<String> INPUT_NAMES = List.of("tokens", "pos_in", "pos_out", "attn_mask");
    public static final String LOGIT_ROWS = "logit_rows";
    public static final String OUTPUT_NAME = "logits";
    private static final Logger LOG = Logger.getLogger(SigmaGptSession.class);

    private final Path directory;
    private final Spec spec;
    private final String modelId;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final int vocab;
    private final InferenceMetrics metrics;
    private final Map<String, String> metadata;
    private final boolean selectsRows;
    private final ChannelSoftmax channelSoftmax;
    private final ThreadLocal<Scratch> scratch = ThreadLocal.withInitial(Scratch::new);

    private SigmaGptSession(Path directory, Spec spec, String modelId, OrtEnvironment env, OrtSession session,
            String provider, Map<String, String> metadata, boolean selectsRows, ChannelSoftmax channelSoftmax) {
        this.directory = directory;
        this.spec = spec;
        this.modelId = modelId;
        this.env = env;
        this.session = session;
        this.vocab = spec.tokenizer().vocabSize();
        this.metrics = new InferenceMetrics(provider);
        this.metadata = metadata;
        this.selectsRows = selectsRows;
        this.channelSoftmax = channelSoftmax;
    }

    /** Opens the model in {@code directory}, which must have been trained with the bundled spec. */
    public static SigmaGptSession open(Path directory, SessionConfig config) {
        return open(directory, SpecLoader.bundled(), config);
    }

    /**
     * Opens the model in {@code directory} (model.onnx, spec.json), refusing it unless both its spec.json and the
     * spec_sha256 in its ONNX metadata equal {@code running}'s SHA-256.
     */
    public static SigmaGptSession open(Path directory, Spec running, SessionConfig config) {
        Path onnx = directory.resolve("model.onnx");
        if (!Files.isRegularFile(onnx)) {
            throw new ModelLoadException("model " + directory + " has no model.onnx");
        }
        Path specFile = directory.resolve("spec.json");
        if (Files.isRegularFile(specFile)) {
            String fileSha;
            try {
                fileSha = SpecLoader.sha256(Files.readAllBytes(specFile));
            } catch (IOException e) {
                throw new ModelLoadException("cannot read " + specFile + ": " + e.getMessage(), e);
            }
            requireSameSpec(directory + "/spec.json", fileSha, running);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try {
            String[] provider = new String[1];
            session = createSession(env, onnx, config, provider);
            OnnxModelMetadata meta = session.getMetadata();
            Map<String, String> props = meta.getCustomMetadata();
            String metaSha = props.get("spec_sha256");
            if (metaSha == null) {
                throw new ModelLoadException("model " + onnx + " carries no spec_sha256 in its metadata; "
                        + "export it with the trainer's export command");
            }
            requireSameSpec(onnx + " metadata", metaSha, running);
            boolean selectsRows = checkInterface(session, onnx, running);
            String modelId = props.getOrDefault("model_id", directory.getFileName().toString());
            LOG.infof("model %s loaded from %s on %s, %d intra-op threads, spec %s", modelId, onnx, provider[0],
                    config.intraOpThreads(), running);
            for (Map.Entry<String, NodeInfo> in : session.getInputInfo().entrySet()) {
                LOG.infof("  input  %s: %s", in.getKey(), in.getValue().getInfo());
            }
            for (Map.Entry<String, NodeInfo> out : session.getOutputInfo().entrySet()) {
                LOG.infof("  output %s: %s", out.getKey(), out.getValue().getInfo());
            }
            return new SigmaGptSession(directory, running, modelId, env, session, provider[0], Map.copyOf(props),
                    selectsRows, ChannelSoftmax.open(env, running, config.intraOpThreads()));
        } catch (OrtException e) {
            closeQuietly(session);
            throw new ModelLoadException("cannot load " + onnx + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(session);
            throw e;
        }
    }

    private static void requireSameSpec(String where, String modelSha, String runningSha, Spec running) {
        if (!modelSha.equalsIgnoreCase(runningSha)) {
            throw new SpecMismatchException("refusing the model: " + where + " says it was trained with spec sha256 "
                    + modelSha + ", but this code runs spec " + running.name() + " v" + running.version()
                    + " with sha256 " + runningSha + "; use a model exported with this spec", modelSha, runningSha);
        }
    }

    private static void requireSameSpec(String where, String modelSha, Spec running) {
        requireSameSpec(where, modelSha, running.sha256(), running);
    }

    private static OrtSession createSession(OrtEnvironment env, Path onnx, SessionConfig config, String[] provider)
            throws OrtException {
        ExecutionProvider wanted = config.provider();
        if (wanted != ExecutionProvider.CPU) {
            EnumSet<OrtProvider> available = OrtEnvironment.getAvailableProviders();
            if (available.contains(OrtProvider.CUDA)) {
                try (OrtSession.SessionOptions options = baseOptions(config)) {
                    options.addCUDA(0);
                    OrtSession s = env.createSession(onnx.toString(), options);
                    provider[0] = "cuda";
                    return s;
                } catch (OrtException e) {
                    if (wanted == ExecutionProvider.CUDA) {
                        throw e;
                    }
                    LOG.warnf("execution provider auto: the CUDA build is present but CUDA failed (%s); using CPU",
                            e.getMessage());
                }
            } else if (wanted == ExecutionProvider.CUDA) {
                throw new ModelLoadException("execution provider cuda requested, but this ONNX Runtime build has no "
                        + "CUDA provider (build with -Pcuda) ; available: " + available);
            } else {
                LOG.infof("execution provider auto: no CUDA provider in this ONNX Runtime build; using CPU");
            }
        }
        try (OrtSession.SessionOptions options = baseOptions(config)) {
            provider[0] = "cpu";
            return env.createSession(onnx.toString(), options);
        }
    }

    private static OrtSession.SessionOptions baseOptions(SessionConfig config) throws OrtException {
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(config.intraOpThreads());
        options.setInterOpNumThreads(1);
        options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return options;
    }

    /** Checks inputs, outputs and vocabulary; returns whether the graph takes {@value #LOGIT_ROWS} (format v2). */
    private static boolean checkInterface(OrtSession session, Path onnx, Spec running) throws OrtException {
        var inputs = session.getInputInfo().keySet();
        boolean selectsRows = inputs.contains(LOGIT_ROWS);
        if (!inputs.containsAll(INPUT_NAMES) || inputs.size() != INPUT_NAMES.size() + (selectsRows ? 1 : 0)) {
            throw new ModelLoadException(onnx + " has inputs " + inputs + ", expected " + INPUT_NAMES
                    + " and optionally " + LOGIT_ROWS);
        }
        if (!session.getOutputInfo().containsKey(OUTPUT_NAME)) {
            throw new ModelLoadException(onnx + " has outputs " + session.getOutputInfo().keySet() + ", expected ["
                    + OUTPUT_NAME + "]");
        }
        String vocab = session.getMetadata().getCustomMetadata().get("vocab_size");
        if (vocab != null && Integer.parseInt(vocab.trim()) != running.tokenizer().vocabSize()) {
            throw new ModelLoadException(onnx + " has vocabulary " + vocab + ", the spec " + running.tokenizer().vocabSize());
        }
        return selectsRows;
    }

    public Path directory() {
        return directory;
    }

    public Spec spec() {
        return spec;
    }

    public String modelId() {
        return modelId;
    }

    public String specSha256() {
        return spec.sha256();
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public Optional<String> metadata(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    public InferenceMetrics metrics() {
        return metrics;
    }

    public int vocabSize() {
        return vocab;
    }

    /** Whether the graph computes the logits of requested steps only (format v2, input {@value #LOGIT_ROWS}). */
    public boolean selectsRows() {
        return selectsRows;
    }

    /**
     * Runs the model on a batch of sequences, right-padded to the longest: padding steps hold the start token at
     * the start position, predict the spare position {@code positionCount}, attend only to themselves, and no real
     * step attends to them.
     */
    public Logits forward(List<ModelSequence> sequences) {
        return forward(sequences, null);
    }

    /**
     * Like {@link #forward(List)}, but with the attention mask given explicitly ({@code [B][L][L]}, all sequences of
     * length L): to feed reference inputs (golden vectors) exactly as written.
     */
    public Logits forward(List<ModelSequence> sequences, boolean[][][] explicitMask) {
        return forward(sequences, explicitMask, null);
    }

    /**
     * Like {@link #forward(List, boolean[][][])}, with the {@value #LOGIT_ROWS} of a v2 graph also given explicitly
     * ({@code [B][R]}, any steps): read the result with {@link Logits#atRow}.
     */
    public Logits forward(List<ModelSequence> sequences, boolean[][][] explicitMask, long[][] explicitRows) {
        int batch = sequences.size();
        int length = 0;
        int rows = 0;
        for (ModelSequence s : sequences) {
            length = Math.max(length, s.length());
            rows = Math.max(rows, s.outputSteps());
        }
        if (explicitRows != null) {
            if (!selectsRows) {
                throw new IllegalArgumentException("model " + modelId + " takes no " + LOGIT_ROWS);
            }
            rows = explicitRows[0].length;
        } else if (!selectsRows) {
            rows = length;
        }
        Scratch buffers = scratch.get();
        buffers.ensure(batch, length, rows, vocab);
        LongBuffer tokens = buffers.tokens;
        LongBuffer posIn = buffers.posIn;
        LongBuffer posOut = buffers.posOut;
        ByteBuffer mask = buffers.mask;
        long pad = spec.grid().positionCount();
        long start = spec.startPosition();
        long bos = spec.tokenizer().bos();
        for (int b = 0; b < batch; b++) {
            ModelSequence s = sequences.get(b);
            int n = s.length();
            int base = b * length;
            for (int i = 0; i < length; i++) {
                tokens.put(base + i, i < n ? s.tokens()[i] : bos);
                posIn.put(base + i, i < n ? s.posIn()[i] : start);
                posOut.put(base + i, i < n ? s.posOut()[i] : pad);
                int rowBase = (base + i) * length;
                for (int j = 0; j < length; j++) {
                    boolean allowed = explicitMask != null ? explicitMask[b][i][j]
                            : i < n ? j < n && s.attends(i, j) : i == j;
                    mask.put(rowBase + j, allowed ? (byte) 1 : (byte) 0);
                }
            }
        }
        int[] firstStep = new int[batch];
        int[] steps = new int[batch];
        for (int b = 0; b < batch; b++) {
            ModelSequence s = sequences.get(b);
            if (explicitRows != null) {
                for (int r = 0; r < rows; r++) {
                    buffers.rows.put(b * rows + r, explicitRows[b][r]);
                }
            } else if (selectsRows) {
                // a shorter request repeats its last step: the graph needs a rectangular [B, R]
                firstStep[b] = s.outputFrom();
                steps[b] = s.outputSteps();
                for (int r = 0; r < rows; r++) {
                    buffers.rows.put(b * rows + r, s.outputFrom() + Math.min(r, s.outputSteps() - 1));
                }
            } else {
                steps[b] = length;
            }
        }
        return run(buffers, batch, length, rows, firstStep, steps);
    }

    private Logits run(Scratch buffers, int batch, int length, int rows, int[] firstStep, int[] steps) {
        long[] shape2 = {batch, length};
        long[] shape3 = {batch, length, length};
        long[] outShape = {batch, rows, vocab};
        long started = System.nanoTime();
        try (OnnxTensor tTokens = OnnxTensor.createTensor(env, buffers.tokens.limit(batch * length), shape2);
                OnnxTensor tIn = OnnxTensor.createTensor(env, buffers.posIn.limit(batch * length), shape2);
                OnnxTensor tOut = OnnxTensor.createTensor(env, buffers.posOut.limit(batch * length), shape2);
                OnnxTensor tMask = OnnxTensor.createTensor(env, buffers.mask.limit(batch * length * length), shape3,
                        OnnxJavaType.BOOL);
                OnnxTensor tRows = selectsRows
                        ? OnnxTensor.createTensor(env, buffers.rows.limit(batch * rows), new long[] {batch, rows})
                        : null;
                OnnxTensor logits = OnnxTensor.createTensor(env, buffers.logits.limit(batch * rows * vocab), outShape)) {
            Map<String, OnnxTensor> feeds = selectsRows
                    ? Map.of("tokens", tTokens, "pos_in", tIn, "pos_out", tOut, "attn_mask", tMask, LOGIT_ROWS, tRows)
                    : Map.of("tokens", tTokens, "pos_in", tIn, "pos_out", tOut, "attn_mask", tMask);
            try (OrtSession.Result ignored = session.run(feeds, Map.of(OUTPUT_NAME, logits))) {
                metrics.record(batch, length, rows, System.nanoTime() - started);
            }
        } catch (OrtException e) {
            throw new IllegalStateException("forward call of model " + modelId + " failed (batch " + batch + ", length "
                    + length + "): " + e.getMessage(), e);
        } finally {
            buffers.tokens.clear();
            buffers.posIn.clear();
            buffers.posOut.clear();
            buffers.mask.clear();
            buffers.rows.clear();
            buffers.logits.clear();
        }
        return new Logits(buffers.logits, batch, rows, vocab, firstStep, steps);
    }

    /**
     * Each channel's bin probabilities for the output rows of {@code logits} (this thread's latest forward call),
     * computed by ONNX Runtime ({@link ChannelSoftmax}); valid until this thread's next call.
     */
    public ChannelProbabilities channelProbabilities(Logits logits) {
        return channelSoftmax.of(logits);
    }

    /** The underlying session, for a raw benchmark loop. */
    public OrtSession ortSession() {
        return session;
    }

    public OrtEnvironment environment() {
        return env;
    }

    @Override
    public void close() {
        closeQuietly(session);
        channelSoftmax.close();
    }

    static void closeQuietly(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.debugf("closing session: %s", e.getMessage());
            }
        }
    }

    /** Direct buffers of one thread, grown on demand. */
    private static final class Scratch {
        LongBuffer tokens = LongBuffer.allocate(0);
        LongBuffer posIn = tokens;
        LongBuffer posOut = tokens;
        LongBuffer rows = tokens;
        ByteBuffer mask = ByteBuffer.allocate(0);
        FloatBuffer logits = FloatBuffer.allocate(0);

        void ensure(int batch, int length, int outputRows, int vocab) {
            int n2 = batch * length;
            if (tokens.capacity() < n2 || !tokens.isDirect()) {
                int cap = Math.max(n2, tokens.capacity() * 3 / 2);
                tokens = longs(cap);
                posIn = longs(cap);
                posOut = longs(cap);
            }
            int nr = batch * outputRows;
            if (rows.capacity() < nr || !rows.isDirect()) {
                rows = longs(Math.max(nr, rows.capacity() * 3 / 2));
            }
            int n3 = n2 * length;
            if (mask.capacity() < n3 || !mask.isDirect()) {
                mask = ByteBuffer.allocateDirect(Math.max(n3, mask.capacity() * 3 / 2)).order(ByteOrder.nativeOrder());
            }
            long nl = (long) nr * vocab;
            if (nl > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("batch " + batch + " x length " + length + " is too large for one call");
            }
            if (logits.capacity() < nl || !logits.isDirect()) {
                int cap = (int) Math.min(Integer.MAX_VALUE / 4, Math.max(nl, logits.capacity() * 3L / 2));
                logits = ByteBuffer.allocateDirect(cap * 4).order(ByteOrder.nativeOrder()).asFloatBuffer();
            }
        }

        private static LongBuffer longs(int n) {
            return ByteBuffer.allocateDirect(n * 8).order(ByteOrder.nativeOrder()).asLongBuffer();
        }
    }
}
