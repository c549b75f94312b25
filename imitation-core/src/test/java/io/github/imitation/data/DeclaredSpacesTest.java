package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.bc.BcConfig;
import io.github.imitation.algo.bc.BehaviorCloning;
import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicy;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Records that declare their spaces: datasets of envs this process does not know, or of no simulator at all. */
class DeclaredSpacesTest {

    /** A 3-value observation and 2 actions: no built-in env has these spaces. */
    private static final String LOGS = "{\"env\": \"plant-logs\", \"obs\": [[0.5, -1, 2], [0.4, -1, 2], [0.3, -1, 2]],"
            + " \"acts\": [1, 0], \"rews\": [0.0, 1.0], \"terminal\": false,"
            + " \"observation_space\": {\"type\": \"Box\", \"low\": [\"-Infinity\", -5, 0], \"high\": [\"Infinity\", 5, 10],"
            + " \"shape\": [3]}, \"action_space\": {\"type\": \"Discrete\", \"n\": 2}}";

    private static InvalidDemonstrationException problem(String line) {
        return assertThrows(InvalidDemonstrationException.class, () -> DemonstrationsJsonl.parseLine(line, 1));
    }

    @Test
    void aRecordOfAnUnknownEnvIsValidatedAgainstItsDeclaredSpacesAndRoundTrips() {
        Trajectory t = DemonstrationsJsonl.parseLine(LOGS, 1);
        assertTrue(t.declaresSpaces());
        assertEquals(new Discrete(2), t.actionSpace());
        assertEquals(new Box(new float[] {Float.NEGATIVE_INFINITY, -5, 0}, new float[] {Float.POSITIVE_INFINITY, 5, 10},
                new int[] {3}), t.observationSpace());
        String line = DemonstrationsJsonl.toLine(t);
        assertTrue(line.contains("\"-Infinity\""), "strict JSON: infinite bounds as strings: " + line);
        assertEquals(t, DemonstrationsJsonl.parseLine(line, 1));
    }

    @Test
    void everyDeclaredSpaceProblemIsNamed() {
        assertTrue(problem(LOGS.replace("\"acts\": [1, 0]", "\"acts\": [1, 2]")).getMessage()
                .contains("\"acts\"[1] is 2, outside plant-logs's action space Discrete(2)"));
        assertTrue(problem(LOGS.replace("[0.3, -1, 2]", "[0.3, -1]")).getMessage()
                .contains("\"obs\"[2] has 2 values but plant-logs observations have 3"));
        assertTrue(problem(LOGS.replace(", \"action_space\": {\"type\": \"Discrete\", \"n\": 2}", "")).getMessage()
                .contains("declares both"));
        assertTrue(problem(LOGS.replace("{\"type\": \"Discrete\", \"n\": 2}", "{\"type\": \"Tuple\"}")).getMessage()
                .contains("\"action_space\" is not a valid space"));
        assertTrue(problem(LOGS.replace("{\"type\": \"Discrete\", \"n\": 2}", "7")).getMessage()
                .contains("\"action_space\" must be a space object"));
        assertTrue(problem(LOGS.replace("\"shape\": [3]", "\"shape\": [4]")).getMessage()
                .contains("\"observation_space\" is not a valid space"));
        assertTrue(problem(LOGS.replace("\"high\": [\"Infinity\", 5, 10]", "\"high\": [\"Infinity\", -6, 10]")).getMessage()
                .contains("need low <= high"));
        String discreteObs = LOGS.replace("{\"type\": \"Box\", \"low\": [\"-Infinity\", -5, 0], \"high\": [\"Infinity\", 5, 10],"
                + " \"shape\": [3]}", "{\"type\": \"Discrete\", \"n\": 3}");
        assertTrue(problem(discreteObs).getMessage().contains("\"observation_space\" must be a Box"));
    }

    @Test
    void spacesDeclaredForAKnownEnvMustBeItsOwn() {
        String cartPole = DemonstrationsJsonlTest.GOOD.replace("\"terminal\": true",
                "\"terminal\": true, \"observation_space\": {\"type\": \"Box\", \"low\": [-1, -1, -1, -1], \"high\": [1, 1, 1, 1]},"
                        + " \"action_space\": {\"type\": \"Discrete\", \"n\": 2}");
        String message = problem(cartPole).getMessage();
        assertTrue(message.contains("but CartPole-v1's are Box([-4.8"), message);
    }

    @Test
    void aDatasetTrainsForItsOwnEnvOrAnyEnvWithTheSameSpaces() {
        Trajectory cartPoleV0 = DemonstrationsJsonl.parseLine(DemonstrationsJsonlTest.GOOD.replace("CartPole-v1",
                "CartPole-v0"), 1);
        assertTrue(EnvCompatibility.fits(cartPoleV0, "CartPole-v1"));
        assertFalse(EnvCompatibility.fits(cartPoleV0, "Acrobot-v1"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> EnvCompatibility.require(List.of(cartPoleV0), "Acrobot-v1", "dataset d"));
        assertTrue(e.getMessage().startsWith("dataset d holds CartPole-v0 demonstrations (observations Box([-4.8")
                && e.getMessage().contains("cannot train for Acrobot-v1 (observations Box([-1.0"), e.getMessage());
        Trajectory logs = DemonstrationsJsonl.parseLine(LOGS, 1);
        assertFalse(EnvCompatibility.fits(logs, "CartPole-v1"));
        // the same records declaring CartPole's spaces train for CartPole-v1
        Trajectory asCartPole = new Trajectory("cart-logs", new float[][] {{0, 0, 0, 0}, {1, 1, 1, 1}},
                new DiscreteActions(new int[] {1}), new double[] {1}, false, null,
                EnvRegistry.spec("CartPole-v1").observationSpace(), EnvRegistry.spec("CartPole-v1").actionSpace());
        assertTrue(EnvCompatibility.fits(asCartPole, "CartPole-v1"));
    }

    @Test
    void behaviorCloningTrainsOnDeclaredSpacesWithNoEnvAndTheExportCarriesThem() {
        List<Trajectory> dataset = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            dataset.add(DemonstrationsJsonl.parseLine(LOGS, 1));
        }
        Trajectory first = dataset.get(0);
        PolicySnapshot snapshot = BehaviorCloning.train("plant-logs", first.observationSpace(), first.actionSpace(),
                DemonstrationPairs.all(dataset), BcConfig.defaults(), 0, epoch -> { });
        try (OnnxPolicy policy = OnnxPolicy.load(OnnxPolicyExporter.toBytes(snapshot), OnnxPolicy.Options.defaults())) {
            assertEquals("plant-logs", policy.envId());
            assertEquals(first.observationSpace(), policy.observationSpace());
            assertEquals(first.actionSpace(), policy.actionSpace());
            int[] actions = new int[2];
            policy.actDiscrete(new float[] {0.5f, -1, 2, 0.4f, -1, 2}, 2, true, actions);
            assertArrayEquals(new int[] {1, 0}, actions, "the two states' expert actions");
        }
    }
}
