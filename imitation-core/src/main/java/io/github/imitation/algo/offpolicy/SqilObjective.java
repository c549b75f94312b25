package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;
import io.github.imitation.nn.GraphScalars;

/**
 * SQIL (Reddy et al., 2019), soft Q imitation learning: plain soft Q-learning in which every expert
 * transition has reward 1 and every transition of the learner's own has reward 0, sampled half and half.
 * The squared soft Bellman error {@code (Q(s,a) − (r + γ V_target(s')))²} is minimized; the learner is
 * pulled back to the expert's states, where reward is to be had, and the reward of its own transitions
 * fades the longer it strays. Needs learner transitions: online only.
 */
public final class SqilObjective implements ImitationObjective {

    private final float gamma;

    public SqilObjective(double gamma) {
        this.gamma = (float) gamma;
    }

    @Override
    public String name() {
        return "sqil";
    }

    @Override
    public Loss loss(SoftQNetwork net, QTensors b) {
        NDArray q = net.q(b.observations());
        NDArray qa = net.chosen(q, b.actions());
        NDArray nextV = net.value(net.targetQ(b.nextObservations()));
        // Reward: the expert mask itself (1 expert, 0 learner).
        NDArray target = b.expertMask().add(GraphScalars.mul(nextV.mul(b.notDone()), gamma));
        NDArray total = qa.sub(target).square().mean();
        NDArray expertQ = GraphScalars.mul(qa.mul(b.expertMask()).sum(), 1f / b.expertRows());
        NDArray learnerQ = b.learnerRows() == 0 ? null
                : GraphScalars.mul(qa.sum().sub(qa.mul(b.expertMask()).sum()), 1f / b.learnerRows());
        return new Loss(total, expertQ, learnerQ);
    }
}
