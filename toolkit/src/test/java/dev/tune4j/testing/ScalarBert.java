package dev.tune4j.testing;

import java.util.Map;

/**
 * Test oracle: a from-scratch BERT encoder forward pass (Hugging Face {@code BertModel}, post-LayerNorm, exact-erf
 * GELU, absolute positions) in plain scalar loops and double precision, over float32 weights named as in a Hugging
 * Face checkpoint without the {@code bert.} prefix. Slow and simple on purpose: an independent twin to check the
 * toolkit's engine-backed model and imported weights against, never production code.
 */
public final class ScalarBert {
    private final Map<String, float[]> weights;
    private final int hidden;
    private final int heads;
    private final int layers;
    private final int intermediate;
    private final double layerNormEps;

    /**
     * @param weights every tensor of the checkpoint, row-major, PyTorch layout (linear weights [out, in])
     * @param hidden hidden size
     * @param heads attention heads (dividing {@code hidden})
     * @param layers encoder layers
     * @param intermediate feed-forward size
     * @param layerNormEps LayerNorm epsilon
     */
    public ScalarBert(Map<String, float[]> weights, int hidden, int heads, int layers, int intermediate,
            double layerNormEps) {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden " + hidden + " is not a multiple of heads " + heads);
        }
        this.weights = Map.copyOf(weights);
        this.hidden = hidden;
        this.heads = heads;
        this.layers = layers;
        this.intermediate = intermediate;
        this.layerNormEps = layerNormEps;
    }

    /**
     * The last hidden state of one sequence; positions whose {@code attentionMask} is 0 are not attended to (their own
     * rows are still computed, as in Hugging Face).
     *
     * @return [sequence][hidden]
     */
    public double[][] lastHiddenState(long[] inputIds, long[] attentionMask, long[] tokenTypeIds) {
        int length = inputIds.length;
        double[][] x = new double[length][];
        float[] words = weight("embeddings.word_embeddings.weight");
        float[] positions = weight("embeddings.position_embeddings.weight");
        float[] types = weight("embeddings.token_type_embeddings.weight");
        for (int t = 0; t < length; t++) {
            double[] row = new double[hidden];
            for (int d = 0; d < hidden; d++) {
                row[d] = (double) words[(int) inputIds[t] * hidden + d] + positions[t * hidden + d]
                        + types[(int) tokenTypeIds[t] * hidden + d];
            }
            x[t] = layerNorm(row, "embeddings.LayerNorm");
        }
        for (int layer = 0; layer < layers; layer++) {
            x = encoderLayer(x, attentionMask, "encoder.layer." + layer + ".");
        }
        return x;
    }

    private double[][] encoderLayer(double[][] x, long[] attentionMask, String prefix) {
        int length = x.length;
        int headSize = hidden / heads;
        double[][] query = new double[length][];
        double[][] key = new double[length][];
        double[][] value = new double[length][];
        for (int t = 0; t < length; t++) {
            query[t] = linear(x[t], prefix + "attention.self.query", hidden, hidden);
            key[t] = linear(x[t], prefix + "attention.self.key", hidden, hidden);
            value[t] = linear(x[t], prefix + "attention.self.value", hidden, hidden);
        }
        double scale = 1 / Math.sqrt(headSize);
        double[][] context = new double[length][hidden];
        for (int head = 0; head < heads; head++) {
            int offset = head * headSize;
            for (int i = 0; i < length; i++) {
                double[] scores = new double[length];
                double max = Double.NEGATIVE_INFINITY;
                for (int j = 0; j < length; j++) {
                    if (attentionMask[j] == 0) {
                        scores[j] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double dot = 0;
                    for (int d = 0; d < headSize; d++) {
                        dot += query[i][offset + d] * key[j][offset + d];
                    }
                    scores[j] = dot * scale;
                    max = Math.max(max, scores[j]);
                }
                double sum = 0;
                for (int j = 0; j < length; j++) {
                    scores[j] = Math.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int j = 0; j < length; j++) {
                    double probability = scores[j] / sum;
                    for (int d = 0; d < headSize; d++) {
                        context[i][offset + d] += probability * value[j][offset + d];
                    }
                }
            }
        }
        double[][] out = new double[length][];
        for (int t = 0; t < length; t++) {
            double[] attention = linear(context[t], prefix + "attention.output.dense", hidden, hidden);
            double[] afterAttention = layerNorm(add(attention, x[t]), prefix + "attention.output.LayerNorm");
            double[] inner = linear(afterAttention, prefix + "intermediate.dense", hidden, intermediate);
            for (int d = 0; d < intermediate; d++) {
                inner[d] = gelu(inner[d]);
            }
            double[] projected = linear(inner, prefix + "output.dense", intermediate, hidden);
            out[t] = layerNorm(add(projected, afterAttention), prefix + "output.LayerNorm");
        }
        return out;
    }

    /** {@code W x + b} with W [out, in] row-major. */
    private double[] linear(double[] input, String module, int in, int out) {
        float[] w = weight(module + ".weight");
        float[] b = weight(module + ".bias");
        double[] y = new double[out];
        for (int o = 0; o < out; o++) {
            double sum = b[o];
            for (int i = 0; i < in; i++) {
                sum += w[o * in + i] * input[i];
            }
            y[o] = sum;
        }
        return y;
    }

    private double[] layerNorm(double[] input, String module) {
        float[] gamma = weight(module + ".weight");
        float[] beta = weight(module + ".bias");
        double mean = 0;
        for (double v : input) {
            mean += v;
        }
        mean /= input.length;
        double variance = 0;
        for (double v : input) {
            variance += (v - mean) * (v - mean);
        }
        variance /= input.length;
        double inverse = 1 / Math.sqrt(variance + layerNormEps);
        double[] out = new double[input.length];
        for (int d = 0; d < input.length; d++) {
            out[d] = (input[d] - mean) * inverse * gamma[d] + beta[d];
        }
        return out;
    }

    private static double[] add(double[] a, double[] b) {
        double[] sum = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            sum[i] = a[i] + b[i];
        }
        return sum;
    }

    private float[] weight(String name) {
        float[] values = weights.get(name);
        if (values == null) {
            throw new IllegalArgumentException("checkpoint has no tensor " + name);
        }
        return values;
    }

    /** Exact GELU: {@code x/2 * (1 + erf(x/sqrt 2))}. */
    public static double gelu(double x) {
        return 0.5 * x * (1 + erf(x / Math.sqrt(2)));
    }

    /**
     * The error function to about 1e-15, from the everywhere-convergent series
     * {@code erf(x) = 2/sqrt(pi) exp(-x^2) sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))}, whose terms are all positive (no
     * cancellation); {@code |x| >= 6} gives plus or minus 1, exact in double precision.
     */
    public static double erf(double x) {
        double magnitude = Math.abs(x);
        if (magnitude >= 6) {
            return Math.signum(x);
        }
        double term = magnitude;
        double sum = term;
        for (int n = 1; term > 1e-17 * sum; n++) {
            term *= 2 * magnitude * magnitude / (2 * n + 1);
            sum += term;
        }
        return Math.signum(x) * 2 / Math.sqrt(Math.PI) * Math.exp(-magnitude * magnitude) * sum;
    }
}
