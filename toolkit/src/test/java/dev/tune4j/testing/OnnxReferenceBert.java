package dev.tune4j.testing;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Test oracle: runs a BERT encoder exported to ONNX (inputs {@code input_ids}, {@code attention_mask},
 * {@code token_type_ids}, all int64 [batch, sequence]; output {@code last_hidden_state} [batch, sequence, hidden]) in
 * onnxruntime, which is on the test class path only. Parity tests compare tune4j's forward passes against it.
 */
public final class OnnxReferenceBert implements AutoCloseable {
    private static final Set<String> INPUTS = Set.of("input_ids", "attention_mask", "token_type_ids");

    private final OrtEnvironment environment;
    private final OrtSession session;

    private OnnxReferenceBert(OrtEnvironment environment, OrtSession session) {
        this.environment = environment;
        this.session = session;
    }

    /** Opens {@code onnxFile} in an onnxruntime CPU session. */
    public static OnnxReferenceBert open(Path onnxFile) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            OrtSession session = environment.createSession(onnxFile.toString(), options);
            if (!session.getInputNames().equals(INPUTS)) {
                session.close();
                throw new IllegalArgumentException(onnxFile + " has inputs " + session.getInputNames()
                        + "; a BERT encoder export has " + INPUTS);
            }
            return new OnnxReferenceBert(environment, session);
        }
    }

    /**
     * The encoder's {@code last_hidden_state} for one batch; all three arrays are [batch][sequence].
     *
     * @return [batch][sequence][hidden]
     */
    public float[][][] lastHiddenState(long[][] inputIds, long[][] attentionMask, long[][] tokenTypeIds)
            throws OrtException {
        try (OnnxTensor ids = OnnxTensor.createTensor(environment, inputIds);
                OnnxTensor mask = OnnxTensor.createTensor(environment, attentionMask);
                OnnxTensor types = OnnxTensor.createTensor(environment, tokenTypeIds);
                OrtSession.Result result = session.run(
                        Map.of("input_ids", ids, "attention_mask", mask, "token_type_ids", types),
                        Set.of("last_hidden_state"))) {
            OnnxValue output = result.get("last_hidden_state").orElseThrow();
            return (float[][][]) output.getValue();
        }
    }

    @Override
    public void close() throws OrtException {
        session.close();
    }
}
