package io.github.imitation.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Versions, hot swap and session lifetimes of {@link ModelRepository}, with real ONNX Runtime sessions. */
class ModelRepositoryTest {

    @Test
    void theHighestVersionIsLatestAndTheLastKStayAddressable() {
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults().withKeepVersions(2))) {
            assertFalse(repository.isReady());
            repository.publish("p", 1, TestModels.ours(TestModels.CART_POLE, 1, 1));
            assertTrue(repository.isReady());
            ModelVersionInfo second = repository.publish("p", 2, TestModels.ours(TestModels.CART_POLE, 2, 2));
            assertTrue(second.latest());
            assertEquals(List.of(1L, 2L), repository.versions("p"));

            repository.publish("p", 4, TestModels.ours(TestModels.CART_POLE, 4, 4));
            assertEquals(List.of(2L, 4L), repository.versions("p"));
            assertEquals(4, repository.latest("p").orElseThrow().version());

            // A lower version that still ranks among the kept ones is addressable but not the latest.
            ModelVersionInfo three = repository.publish("p", 3, TestModels.ours(TestModels.CART_POLE, 3, 3));
            assertFalse(three.latest());
            assertEquals(List.of(3L, 4L), repository.versions("p"));
            assertThrows(IllegalArgumentException.class,
                    () -> repository.publish("p", 1, TestModels.ours(TestModels.CART_POLE, 1, 1)));
        }
    }

    @Test
    void republishingAVersionIsANoOp() {
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults())) {
            repository.publish("p", 5, TestModels.ours(TestModels.CART_POLE, 5, 1));
            ModelRepository.Lookup before = repository.peek("p", null);
            repository.publish("p", 5, TestModels.ours(TestModels.CART_POLE, 5, 1));
            assertSame(before.model(), repository.peek("p", null).model());
        }
    }

    @Test
    void anEvictedVersionClosesOnlyAfterItsLastRequest() {
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults().withKeepVersions(1))) {
            repository.publish("p", 1, TestModels.ours(TestModels.CART_POLE, 1, 1));
            ModelRepository.Lookup inFlight = repository.lease("p", null);
            LoadedModel v1 = inFlight.model();

            repository.publish("p", 2, TestModels.ours(TestModels.CART_POLE, 2, 2));
            assertEquals(List.of(2L), repository.versions("p"));
            assertFalse(v1.isClosed(), "a request still holds version 1");
            assertEquals(404, repository.lease("p", "1").status());

            v1.release();
            assertTrue(v1.isClosed());
            assertFalse(v1.tryAcquire());
        }
    }

    @Test
    void closingTheRepositoryClosesIdleSessions() {
        LoadedModel model;
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults())) {
            repository.publish("p", 1, TestModels.ours(TestModels.PENDULUM, 1, 1));
            model = repository.peek("p", null).model();
            assertFalse(model.isClosed());
        }
        assertTrue(model.isClosed());
    }

    @Test
    void declaredModelsAreNotReadyUntilTheyHaveAVersion() {
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults())) {
            repository.declare("later");
            assertFalse(repository.isReady());
            assertEquals(503, repository.lease("later", null).status());
            assertEquals(404, repository.lease("other", null).status());
            repository.publish("later", 0, TestModels.ours(TestModels.CART_POLE, 0, 1));
            assertTrue(repository.isReady());
        }
    }

    @Test
    void loadTakesTheVersionFromTheMetadataOrCountsUp(@TempDir Path dir) throws Exception {
        Path ours = Files.write(dir.resolve("ours.onnx"), TestModels.ours(TestModels.CART_POLE, 42, 1));
        Path foreign = Files.write(dir.resolve("foreign.onnx"),
                TestModels.foreign(RandomPolicies.snapshot(TestModels.CART_POLE, 0, 2), true));
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults())) {
            assertEquals(42, repository.load("a", ours).version());
            assertEquals(1, repository.load("b", foreign).version());
            assertEquals(2, repository.load("b", foreign).version());
            ModelSignature signature = repository.latest("b").orElseThrow().signature();
            assertTrue(signature.metadata().isEmpty());
            assertTrue(signature.hasActionOutput());
            assertEquals(4, signature.observationSize());
        }
    }

    @Test
    void modelsThatDoNotFollowTheContractAreRefused() {
        try (ModelRepository repository = new ModelRepository(ServingConfig.defaults())) {
            IllegalArgumentException notOnnx = assertThrows(IllegalArgumentException.class,
                    () -> repository.publish("p", 1, new byte[] {1, 2, 3}));
            assertTrue(notOnnx.getMessage().contains("ONNX Runtime"), notOnnx.getMessage());
            IllegalArgumentException noLogits = assertThrows(IllegalArgumentException.class,
                    () -> repository.publish("p", 1, withoutOutput("logits")));
            assertTrue(noLogits.getMessage().contains("logits"), noLogits.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> repository.publish("bad name", 1, TestModels.ours(TestModels.CART_POLE, 1, 1)));
            assertTrue(repository.versions("p").isEmpty());
        }
    }

    /** Our CartPole model with one graph output removed. */
    private static byte[] withoutOutput(String name) {
        ai.onnx.proto.OnnxMl.ModelProto model = io.github.imitation.onnx.OnnxPolicyExporter.toModel(
                RandomPolicies.snapshot(TestModels.CART_POLE, 1, 1));
        ai.onnx.proto.OnnxMl.GraphProto.Builder graph = model.getGraph().toBuilder();
        for (int i = graph.getOutputCount() - 1; i >= 0; i--) {
            if (graph.getOutput(i).getName().equals(name)) {
                graph.removeOutput(i);
            }
        }
        return model.toBuilder().setGraph(graph).build().toByteArray();
    }
}
