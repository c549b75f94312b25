package io.github.imitation.algo.offpolicy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.nn.Activation;
import io.github.imitation.nn.DjlRuntime;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * What each IQ-Learn variant reads of a minibatch: with the value term and χ² over the expert's transitions (the
 * online defaults) the learner's rows do not count at all; with the value term over all states they do; χ² under
 * the current policy ({@code POLICY}) ignores the replay's actions of the learner's rows, χ² over all uses them.
 */
class IqLearnObjectiveTest {

    /** Two expert rows, then two learner rows. */
    private static final float[] MASK = {1, 1, 0, 0};

    private static float loss(NDManager manager, SoftQNetwork net, IqLearnObjective objective, float[] observations,
            int[] actions) {
        try (NDManager scope = manager.newSubManager()) {
            QTensors batch = new QTensors(scope.create(observations, new Shape(4, 4)),
                    scope.create(new float[] {0.01f, 0.02f, 0.03f, 0.04f, -0.02f, 0.1f, 0.0f, -0.1f, 0.05f, 0.3f, -0.1f,
                            -0.4f, 0.2f, -0.3f, 0.1f, 0.5f}, new Shape(4, 4)),
                    scope.create(actions), scope.create(new float[] {1, 1, 1, 1}), scope.create(MASK), 2, 2);
            return objective.loss(net, batch).total().getFloat();
        }
    }

    @Test
    void eachVariantReadsWhatItShould() {
        var spec = EnvRegistry.spec("CartPole-v1");
        try (NDManager manager = DjlRuntime.engine().newBaseManager()) {
            SoftQNetwork net = new SoftQNetwork(manager, spec.observationSpace(), (Discrete) spec.actionSpace(),
                    new int[] {16, 16}, Activation.RELU, 0.01f, new SplittableRandom(7));
            net.initTarget();
            float[] observations = {0.0f, 0.1f, 0.02f, -0.1f, 0.03f, -0.2f, 0.01f, 0.2f, 0.5f, 0.4f, -0.1f, 0.3f, -0.6f,
                    -0.2f, 0.15f, -0.5f};
            float[] otherLearnerStates = observations.clone();
            for (int i = 8; i < 16; i++) {
                otherLearnerStates[i] = -otherLearnerStates[i] + 0.25f;
            }
            int[] actions = {0, 1, 1, 0};
            int[] otherLearnerActions = {0, 1, 0, 1};

            var defaults = new IqLearnObjective(0.99, IqLearnObjective.ValueLoss.VALUE_EXPERT, IqLearnObjective.Chi2.EXPERT,
                    0.5, true);
            assertEquals(loss(manager, net, defaults, observations, actions),
                    loss(manager, net, defaults, otherLearnerStates, otherLearnerActions), 0f,
                    "value_expert with χ² on the expert: the learner's rows do not enter the loss");

            var policy = new IqLearnObjective(0.99, IqLearnObjective.ValueLoss.VALUE, IqLearnObjective.Chi2.POLICY, 0.5, true);
            assertNotEquals(loss(manager, net, policy, observations, actions),
                    loss(manager, net, policy, otherLearnerStates, actions), "the value term over all states reads them");
            assertEquals(loss(manager, net, policy, observations, actions),
                    loss(manager, net, policy, observations, otherLearnerActions), 1e-6f,
                    "χ² under the policy: the replay's actions of the learner's rows do not matter");

            var all = new IqLearnObjective(0.99, IqLearnObjective.ValueLoss.VALUE, IqLearnObjective.Chi2.ALL, 0.5, true);
            assertNotEquals(loss(manager, net, all, observations, actions),
                    loss(manager, net, all, observations, otherLearnerActions), "χ² over all: the replay's actions count");
        }
    }
}
