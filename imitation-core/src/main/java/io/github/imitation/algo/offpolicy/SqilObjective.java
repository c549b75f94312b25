package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;
import io.github.imitation.nn.GraphScalars;

/**
 * SQIL (Reddy et al., 2019), soft Q imitation learning: plain soft Q-learning in which every expert
 * transition has reward 1 and every transition of the learner's own has reward 0, sampled half and half.
 * The squared soft Bellman error {@code (Q(s,a) − (r + γ V_target(s')))²} is minimized; the learner is
 * pulled back to the expert's states, where reward is to be had, and the reward of its own transitions
 * fades the longer it strays. Needs learner transitions: online only. The gradient {@link #lossAndGradient}
 * writes out: {@code ∂/∂Q(s,a) = 2(Q(s,a) − target)/n} on the chosen action, 0 on the others (the target takes
 * none).
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

    @Override
    public boolean nextFromOnline() {
        return false;
    }

    @Override
    public LossValues lossAndGradient(QOutputs out, QBatch b) {
        int rows = b.rows();
        int experts = b.expertRows();
        int actions = out.q().length;
        float[][] q = out.q();
        double[] nextPolicy = new double[actions];
        double squares = 0;
        double expertQ = 0;
        double learnerQ = 0;
        for (int r = 0; r < rows; r++) {
            boolean expert = r < experts;
            int action = b.actions()[r];
            double target = (expert ? 1 : 0)
                    + gamma * b.notDone()[r] * SoftValue.of(out.nextQ(), r, out.temperature(), nextPolicy);
            double chosen = q[action][r];
            double error = chosen - target;
            squares += error * error;
            if (expert) {
                expertQ += chosen;
            } else {
                learnerQ += chosen;
            }
            for (int a = 0; a < actions; a++) {
                out.dQ()[a][r] = a == action ? (float) (2 * error / rows) : 0f;
            }
        }
        int learners = rows - experts;
        return new LossValues(squares / rows, expertQ / experts, learners == 0 ? Double.NaN : learnerQ / learners);
    }
}
