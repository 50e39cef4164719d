package dev.tune4j.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.DataType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Header names, element sizes and engine types, from the safetensors spec and the DJL type table. */
class SafeTensorsDTypeTest {
    @Test
    void sizesAndEngineTypesFollowTheSpec() {
        Map<String, Integer> bytes = Map.of("F64", 8, "F32", 4, "F16", 2, "BF16", 2, "I64", 8, "I32", 4, "I8", 1,
                "U8", 1, "BOOL", 1);
        Map<String, DataType> engine = Map.of("F64", DataType.FLOAT64, "F32", DataType.FLOAT32, "F16",
                DataType.FLOAT16, "BF16", DataType.FLOAT32, "I64", DataType.INT64, "I32", DataType.INT32, "I8",
                DataType.INT8, "U8", DataType.UINT8, "BOOL", DataType.BOOLEAN);
        assertEquals(bytes.keySet().size(), SafeTensorsDType.values().length);
        bytes.forEach((name, size) -> {
            SafeTensorsDType type = SafeTensorsDType.of(name);
            assertEquals(name, type.headerName());
            assertEquals(size, type.byteSize(), name);
            assertEquals(engine.get(name), type.engineType(), name);
        });
    }

    @Test
    void engineTypesMapBackWithoutBfloat16() {
        assertEquals(SafeTensorsDType.F32, SafeTensorsDType.ofEngineType(DataType.FLOAT32));
        assertEquals(SafeTensorsDType.BOOL, SafeTensorsDType.ofEngineType(DataType.BOOLEAN));
        assertEquals(SafeTensorsDType.U8, SafeTensorsDType.ofEngineType(DataType.UINT8));
        for (DataType refused : List.of(DataType.BFLOAT16, DataType.INT16, DataType.UINT16, DataType.STRING)) {
            assertThrows(IllegalArgumentException.class, () -> SafeTensorsDType.ofEngineType(refused));
        }
    }

    @Test
    void unsupportedAndUnknownNamesAreExplained() {
        IllegalArgumentException unsupported = assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsDType.of("F8_E5M2"));
        assertTrue(unsupported.getMessage().contains("F8_E5M2 is valid safetensors"), unsupported.getMessage());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> SafeTensorsDType.of("bf16"));
        assertTrue(unknown.getMessage().contains("'bf16'") && unknown.getMessage().contains("upper case: BF16"),
                unknown.getMessage());
    }
}
