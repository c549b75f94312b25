package io.github.imitation.algo.offpolicy;

import ai.djl.ndarray.NDArray;
import io.github.imitation.nn.GraphScalars;

/**
 * IQ-Learn (Garg et al., NeurIPS 2021), inverse soft-Q learning: the Q-function is learned directly and
 * the reward is implicit in it, {@code r(s,a) = Q(s,a) − γ V(s')} with the soft value
 * {@code V(s) = α log Σ exp(Q(s,·)/α)}. The objective, with the χ² divergence, is
 * <pre>
 *   max_Q  E_expert[ r(s,a) ]  −  E_ρ[ V(s) − γ V(s') ]  −  (1/(4·0.5)) E[ r(s,a)² ]
 * </pre>
 * (the first term rewards the expert's choices; the second, the value telescoped over visited states,
 * keeps every other choice from being rewarded as much; the third, χ² regularization, keeps the implied
 * rewards bounded). Minimized here as its negative. Variants per setting, as the paper recommends:
 * <ul>
 *   <li>online, {@link ValueLoss#VALUE}: the value term over expert and learner states, χ² over both;</li>
 *   <li>offline, {@link ValueLoss#VALUE_EXPERT}: the value term and χ² over expert states only (no other
 *       states exist).</li>
 * </ul>
 * {@code V(s')} comes from the target network (or the online one, with gradients), and is 0 after a terminal
 * transition.
 */
public final class IqLearnObjective implements ImitationObjective {

    /** Which states the value term {@code E[V(s) − γV(s')]} averages over. */
    public enum ValueLoss { VALUE, VALUE_EXPERT }

    /** Which transitions the χ² regularizer averages over. */
    public enum Chi2 { ALL, EXPERT, NONE }

    private final float gamma;
    private final ValueLoss valueLoss;
    private final Chi2 chi2;
    private final float chi2Weight;

    private final boolean useTarget;

    public IqLearnObjective(double gamma, ValueLoss valueLoss, Chi2 chi2, double chi2Weight, boolean useTarget) {
        this.useTarget = useTarget;
        this.gamma = (float) gamma;
        this.valueLoss = valueLoss;
        this.chi2 = chi2;
        this.chi2Weight = (float) chi2Weight;
    }

    @Override
    public String name() {
        return "iq-learn";
    }

    @Override
    public Loss loss(SoftQNetwork net, QTensors b) {
        NDArray q = net.q(b.observations());
        NDArray qa = net.chosen(q, b.actions());
        NDArray v = net.value(q);
        NDArray nextV = net.value(useTarget ? net.targetQ(b.nextObservations()) : net.q(b.nextObservations()));
        NDArray y = GraphScalars.mul(nextV.mul(b.notDone()), gamma);
        NDArray reward = qa.sub(y);
        float perExpert = 1f / b.expertRows();
        NDArray expertReward = GraphScalars.mul(reward.mul(b.expertMask()).sum(), perExpert);
        NDArray total = expertReward.neg();
        NDArray telescoped = v.sub(y);
        total = total.add(valueLoss == ValueLoss.VALUE ? telescoped.mean()
                : GraphScalars.mul(telescoped.mul(b.expertMask()).sum(), perExpert));
        if (chi2 != Chi2.NONE) {
            NDArray squared = reward.square();
            NDArray mean = chi2 == Chi2.ALL ? squared.mean() : GraphScalars.mul(squared.mul(b.expertMask()).sum(), perExpert);
            total = total.add(GraphScalars.mul(mean, chi2Weight));
        }
        NDArray learnerReward = b.learnerRows() == 0 ? null
                : GraphScalars.mul(reward.sum().sub(reward.mul(b.expertMask()).sum()), 1f / b.learnerRows());
        return new Loss(total, expertReward, learnerReward);
    }
}
