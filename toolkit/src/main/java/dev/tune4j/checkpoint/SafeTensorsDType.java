package dev.tune4j.checkpoint;

import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The safetensors element types tune4j can load, with their header names and the DJL type they load as.
 *
 * <p>BF16 loads as FLOAT32 (widened exactly, {@code bits << 16}) because DJL 0.36's PyTorch engine aborts the JVM on
 * BFLOAT16 arrays. I16, U16, U32, U64, the 8-, 6- and 4-bit float formats and C64 are valid safetensors types that
 * tune4j refuses with a message saying so.
 */
public enum SafeTensorsDType {
    /** IEEE 754 binary64. */
    F64(8, DataType.FLOAT64),
    /** IEEE 754 binary32. */
    F32(4, DataType.FLOAT32),
    /** IEEE 754 binary16. */
    F16(2, DataType.FLOAT16),
    /** bfloat16 (the top half of a binary32); loads as FLOAT32. */
    BF16(2, DataType.FLOAT32),
    /** Signed 64-bit integer. */
    I64(8, DataType.INT64),
    /** Signed 32-bit integer. */
    I32(4, DataType.INT32),
    /** Signed 8-bit integer. */
    I8(1, DataType.INT8),
    /** Unsigned 8-bit integer. */
    U8(1, DataType.UINT8),
    /** Boolean, one byte per element (0 or 1). */
    BOOL(1, DataType.BOOLEAN);

    /** Valid safetensors dtypes that tune4j cannot load, with the reason. */
    private static final Map<String, String> UNSUPPORTED = Map.ofEntries(
            Map.entry("I16", "DJL 0.36's PyTorch engine aborts the JVM on INT16 arrays"),
            Map.entry("U16", "DJL 0.36's PyTorch engine aborts the JVM on UINT16 arrays"),
            Map.entry("U32", "DJL 0.36's PyTorch engine cannot create UINT32 arrays"),
            Map.entry("U64", "DJL 0.36's PyTorch engine cannot create UINT64 arrays"),
            Map.entry("C64", "complex tensors are not supported"),
            Map.entry("F8_E5M2", "8-bit float formats are not supported"),
            Map.entry("F8_E4M3", "8-bit float formats are not supported"),
            Map.entry("F8_E4M3FNUZ", "8-bit float formats are not supported"),
            Map.entry("F8_E5M2FNUZ", "8-bit float formats are not supported"),
            Map.entry("F8_E8M0", "8-bit float formats are not supported"),
            Map.entry("F6_E2M3", "6-bit float formats are not supported"),
            Map.entry("F6_E3M2", "6-bit float formats are not supported"),
            Map.entry("F4", "4-bit float formats are not supported"));

    private final int byteSize;
    private final DataType engineType;

    SafeTensorsDType(int byteSize, DataType engineType) {
        this.byteSize = byteSize;
        this.engineType = engineType;
    }

    /** Bytes per element in the file. */
    public int byteSize() {
        return byteSize;
    }

    /** The DJL type a loaded tensor has: BF16 becomes FLOAT32, every other type maps one to one. */
    public DataType engineType() {
        return engineType;
    }

    /** The name used in safetensors headers (the enum constant's name). */
    public String headerName() {
        return name();
    }

    /**
     * The type for a header name.
     *
     * @param headerName the {@code dtype} string of a header entry, e.g. {@code "BF16"}
     * @throws IllegalArgumentException if the name is not a safetensors dtype or one tune4j cannot load
     */
    public static SafeTensorsDType of(String headerName) {
        Objects.requireNonNull(headerName, "headerName");
        SafeTensorsDType supported = supported(headerName);
        if (supported != null) {
            return supported;
        }
        String reason = UNSUPPORTED.get(headerName);
        if (reason != null) {
            throw new IllegalArgumentException("dtype " + headerName + " is valid safetensors but tune4j cannot load"
                    + " it (" + reason + "); convert the tensor to one of " + Arrays.toString(values())
                    + " before loading");
        }
        String upper = headerName.toUpperCase(Locale.ROOT);
        boolean caseTypo = !upper.equals(headerName) && (supported(upper) != null || UNSUPPORTED.containsKey(upper));
        String hint = caseTypo ? " (dtype names are upper case: " + upper + ")" : "";
        throw new IllegalArgumentException("unknown safetensors dtype '" + headerName + "'" + hint
                + "; expected one of " + Arrays.toString(values()));
    }

    private static SafeTensorsDType supported(String headerName) {
        for (SafeTensorsDType type : values()) {
            if (type.name().equals(headerName)) {
                return type;
            }
        }
        return null;
    }

    /**
     * The type for a header name, failing with a format error that names the file and tensor.
     *
     * @param headerName the {@code dtype} string of a header entry
     * @param file the file whose header it is
     * @param tensor the entry's name
     * @throws SafeTensorsFormatException if the name is unknown or unsupported
     */
    public static SafeTensorsDType of(String headerName, Path file, String tensor) throws SafeTensorsFormatException {
        try {
            return of(headerName);
        } catch (IllegalArgumentException e) {
            throw new SafeTensorsFormatException(file, tensor, e.getMessage());
        }
    }

    /**
     * The type an engine array is stored as by default.
     *
     * @throws IllegalArgumentException for DJL types with no safetensors counterpart tune4j writes
     */
    public static SafeTensorsDType ofEngineType(DataType type) {
        return switch (type) {
            case FLOAT64 -> F64;
            case FLOAT32 -> F32;
            case FLOAT16 -> F16;
            case INT64 -> I64;
            case INT32 -> I32;
            case INT8 -> I8;
            case UINT8 -> U8;
            case BOOLEAN -> BOOL;
            default -> throw new IllegalArgumentException("DJL type " + type + " cannot be written as safetensors by"
                    + " tune4j; convert it to FLOAT32, FLOAT16, FLOAT64, INT64, INT32, INT8, UINT8 or BOOLEAN");
        };
    }
}
