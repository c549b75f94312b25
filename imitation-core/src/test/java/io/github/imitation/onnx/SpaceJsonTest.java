package io.github.imitation.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.Space;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpaceJsonTest {

    @Test
    void everyRegisteredSpaceRoundTrips() {
        for (String id : EnvRegistry.ids()) {
            for (Space space : new Space[] {EnvRegistry.make(id).observationSpace(), EnvRegistry.make(id).actionSpace()}) {
                assertEquals(space, SpaceJson.fromJson(SpaceJson.toJson(space)), id);
            }
        }
    }

    @Test
    void writesTheDocumentedShapes() {
        assertEquals("{\"type\":\"Discrete\",\"n\":2}", SpaceJson.toJson(new Discrete(2)));
        assertEquals("{\"type\":\"Discrete\",\"n\":3,\"start\":-1}", SpaceJson.toJson(new Discrete(3, -1)));
        // Infinite bounds as Python's json module writes and reads them.
        assertEquals("{\"type\":\"Box\",\"low\":[-Infinity,0.1],\"high\":[Infinity,0.5],\"shape\":[2]}",
                SpaceJson.toJson(Box.of(new float[] {Float.NEGATIVE_INFINITY, 0.1f}, new float[] {Float.POSITIVE_INFINITY, 0.5f})));
    }

    @Test
    void readsQuotedInfinityAndMissingShape() {
        assertEquals(Box.of(new float[] {Float.NEGATIVE_INFINITY}, new float[] {Float.POSITIVE_INFINITY}),
                SpaceJson.fromJson("{\"type\":\"Box\",\"low\":[\"-Infinity\"],\"high\":[\"Infinity\"]}"));
        assertEquals(new Box(new float[4], new float[] {1, 1, 1, 1}, new int[] {2, 2}),
                SpaceJson.fromJson("{\"type\":\"Box\",\"low\":[0,0,0,0],\"high\":[1,1,1,1],\"shape\":[2,2]}"));
    }

    @Test
    void rejectsMalformedSpaces() {
        for (String bad : new String[] {"[]", "{}", "{\"type\":\"Tuple\"}", "{\"type\":\"Discrete\"}",
                "{\"type\":\"Box\",\"low\":[0]}", "not json"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpaceJson.fromJson(bad), bad);
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }

    @Test
    void metadataWithoutImitationKeysIsAbsentAndIncompleteMetadataIsAnError() {
        assertTrue(OnnxPolicyMetadata.fromProperties(Map.of("producer", "sb3")).isEmpty());
        IllegalArgumentException incomplete = assertThrows(IllegalArgumentException.class,
                () -> OnnxPolicyMetadata.fromProperties(Map.of("imitation.format_version", "1", "imitation.env_id", "X")));
        assertTrue(incomplete.getMessage().contains("imitation.policy_version"), incomplete.getMessage());
        IllegalArgumentException newer = assertThrows(IllegalArgumentException.class,
                () -> OnnxPolicyMetadata.fromProperties(Map.of("imitation.format_version", "2")));
        assertTrue(newer.getMessage().contains("format"), newer.getMessage());
    }
}
