package io.github.imitation.nn;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Space;

/**
 * A trained policy frozen as plain data: the single source of truth that the DJL networks produce,
 * the ONNX exporter writes and the pure-Java reference forward pass reads.
 *
 * <p>Semantics (also the ONNX contract, see {@code docs/onnx-policy.md}): {@code network} maps the
 * normalized observation to the logits (Discrete) or the mean (Box) of the action distribution.
 *
 * @param envId       the environment the policy acts in
 * @param observationSpace the env's observation space
 * @param actionSpace the env's action space
 * @param normalizer  observation normalization applied before the network
 * @param network     the policy MLP
 * @param head        how the output becomes a distribution
 * @param algorithm   what trained it, e.g. {@code ppo}, {@code bc}, {@code gail}
 * @param version     policy version (monotonic within a run)
 */
public record PolicySnapshot(String envId, Space observationSpace, Space actionSpace, ObservationNormalizer normalizer,
        Mlp network, ActionHead head, String algorithm, long version) {

    public PolicySnapshot {
        int obsSize = observationSpace.flatSize();
        if (normalizer.size() != obsSize || network.inputs() != obsSize) {
            throw new IllegalArgumentException(envId + ": policy input size " + network.inputs() + " / normalizer "
                    + normalizer.size() + " do not match observation size " + obsSize);
        }
        if (actionSpace instanceof Discrete d) {
            if (!(head instanceof ActionHead.Categorical c) || c.n() != d.n() || network.outputs() != d.n()) {
                throw new IllegalArgumentException(envId + ": a " + d + " action space needs a categorical head with "
                        + d.n() + " logits");
            }
        } else if (actionSpace instanceof Box b) {
            if (!(head instanceof ActionHead.Gaussian g) || g.actionSize() != b.flatSize() || network.outputs() != b.flatSize()) {
                throw new IllegalArgumentException(envId + ": a Box action space needs a Gaussian head of size " + b.flatSize());
            }
        }
    }

    /** The same policy labelled with another version. */
    public PolicySnapshot withVersion(long newVersion) {
        return new PolicySnapshot(envId, observationSpace, actionSpace, normalizer, network, head, algorithm, newVersion);
    }

    /** Logits (Discrete) or mean (Box) for one observation, by the plain-Java reference forward pass. */
    public float[] forward(float[] observation) {
        float[] output = network.forward(normalizer.apply(observation));
        return head instanceof ActionHead.Gaussian g ? g.meanOf(output) : output;
    }
}
