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
 *       states exist);</li>
 *   <li>{@link ValueLoss#V0}: {@code (1 − γ) E[V(s0)]} in place of the telescoped value term, which the paper derives
 *       it from (the authors ran it on Hopper, Walker and Humanoid; here Pendulum-v1's default).</li>
 * </ul>
 * {@code V(s')} comes from the target network (or the online one, with gradients), and is 0 after a terminal
 * transition.
 *
 * <p>The gradient {@link #lossAndGradient} writes out, per row with {@code y = γ·notDone·V(s')},
 * {@code r = Q(s,a) − y} and {@code π = softmax(Q/α)} ({@code = ∂V/∂Q}): the expert term adds {@code −1/E} to
 * {@code ∂/∂Q(s,a)} of expert rows and {@code +1/E} to {@code ∂/∂y}; the value term, with weight {@code c} (1/n on
 * every row, or 1/E on expert rows), {@code c·π} to {@code ∂/∂Q} and {@code −c} to {@code ∂/∂y} ({@code V0}: {@code c =
 * (1 − γ)/E} on expert rows, and nothing to {@code ∂/∂y}); χ² on a row with
 * weight {@code k} ({@code w/n} over all, {@code w/E} over the expert's) {@code 2kr} to {@code ∂/∂Q(s,a)} and
 * {@code −2kr} to {@code ∂/∂y}, and under the policy on a learner row {@code (2w/n)·π_b(Q(s,b) − y)} to each
 * {@code ∂/∂Q(s,b)} and their negated sum to {@code ∂/∂y} (π held fixed); finally
 * {@code ∂/∂Q(s',b) = ∂/∂y · γ·notDone·softmax(Q(s',·)/α)_b} when {@code V(s')} takes gradients.
 */
public final class IqLearnObjective implements ImitationObjective {

    /**
     * The value term: {@code E[V(s) − γV(s')]} over all states ({@code VALUE}) or the expert's ({@code VALUE_EXPERT}),
     * or {@code V0}: {@code (1 − γ) E_expert[V(s)]}, the paper's {@code (1 − γ) E_ρ0[V(s0)]} as the authors' code
     * computes it ("v0", over the expert's states in the minibatch), with no bootstrapped {@code V(s')} in it.
     */
    public enum ValueLoss { VALUE, VALUE_EXPERT, V0 }

    /**
     * Which transitions the χ² regularizer averages over: all of them (the replay's actions), the expert's, none, or
     * {@code POLICY}: the expert's transitions with the expert's actions and the learner's states with the current
     * soft policy's actions in expectation, {@code Σ_a π(a|s) (Q(s,a) − γV(s'))²} (the authors' "regularize", which
     * samples the current policy's action instead of the replay's).
     */
    public enum Chi2 { ALL, EXPERT, NONE, POLICY }

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
        total = total.add(switch (valueLoss) {
            case VALUE -> telescoped.mean();
            case VALUE_EXPERT -> GraphScalars.mul(telescoped.mul(b.expertMask()).sum(), perExpert);
            case V0 -> GraphScalars.mul(v.mul(b.expertMask()).sum(), (1f - gamma) * perExpert);
        });
        if (chi2 == Chi2.POLICY) {
            // expert rows: (Q(s, a_E) − y)²; learner rows: E_{a~π(·|s)} (Q(s, a) − y)², π = softmax(Q/α) held fixed
            NDArray probabilities = GraphScalars.mul(q, 1f / net.temperature()).softmax(1).stopGradient();
            NDArray underPolicy = q.sub(y.expandDims(1)).square().mul(probabilities).sum(new int[] {1});
            NDArray expertRows = reward.square().mul(b.expertMask());
            NDArray learnerRows = underPolicy.mul(GraphScalars.mul(b.expertMask(), -1f).add(1f));
            total = total.add(GraphScalars.mul(expertRows.add(learnerRows).mean(), chi2Weight));
        } else if (chi2 != Chi2.NONE) {
            NDArray squared = reward.square();
            NDArray mean = chi2 == Chi2.ALL ? squared.mean() : GraphScalars.mul(squared.mul(b.expertMask()).sum(), perExpert);
            total = total.add(GraphScalars.mul(mean, chi2Weight));
        }
        NDArray learnerReward = b.learnerRows() == 0 ? null
                : GraphScalars.mul(reward.sum().sub(reward.mul(b.expertMask()).sum()), 1f / b.learnerRows());
        return new Loss(total, expertReward, learnerReward);
    }

    @Override
    public boolean nextFromOnline() {
        return !useTarget;
    }

    @Override
    public LossValues lossAndGradient(QOutputs out, QBatch b) {
        int rows = b.rows();
        int experts = b.expertRows();
        int actions = out.q().length;
        float[][] q = out.q();
        float[][] dQ = out.dQ();
        double[] policy = new double[actions];
        double[] nextPolicy = new double[actions];
        double perExpert = 1.0 / experts;
        double perRow = 1.0 / rows;
        double weight = chi2Weight;
        double expertReward = 0;
        double learnerReward = 0;
        double value = 0;
        double squares = 0;
        for (int r = 0; r < rows; r++) {
            boolean expert = r < experts;
            int action = b.actions()[r];
            double v = SoftValue.of(q, r, out.temperature(), policy);
            double nextV = SoftValue.of(out.nextQ(), r, out.temperature(), nextPolicy);
            double discount = gamma * b.notDone()[r];
            double y = discount * nextV;
            double reward = q[action][r] - y;
            double dChosen = 0;
            double dY = 0;
            if (expert) {
                expertReward += reward;
                dChosen -= perExpert;
                dY += perExpert;
            } else {
                learnerReward += reward;
            }
            double valueScale = switch (valueLoss) {
                case VALUE -> perRow;
                case VALUE_EXPERT -> expert ? perExpert : 0;
                case V0 -> expert ? (1 - gamma) * perExpert : 0;
            };
            if (valueLoss == ValueLoss.V0) {
                value += valueScale * v;
            } else {
                value += valueScale * (v - y);
                dY -= valueScale;
            }
            double chi2Scale = switch (chi2) {
                case ALL -> perRow;
                case EXPERT -> expert ? perExpert : 0;
                case POLICY -> expert ? perRow : 0;
                case NONE -> 0;
            };
            squares += chi2Scale * reward * reward;
            dChosen += 2 * weight * chi2Scale * reward;
            dY -= 2 * weight * chi2Scale * reward;
            for (int a = 0; a < actions; a++) {
                dQ[a][r] = (float) (valueScale * policy[a] + (a == action ? dChosen : 0));
            }
            if (chi2 == Chi2.POLICY && !expert) {
                for (int a = 0; a < actions; a++) {
                    double error = q[a][r] - y;
                    squares += perRow * policy[a] * error * error;
                    double d = 2 * weight * perRow * policy[a] * error;
                    dQ[a][r] += (float) d;
                    dY -= d;
                }
            }
            if (out.dNextQ() != null) {
                for (int a = 0; a < actions; a++) {
                    out.dNextQ()[a][r] = (float) (dY * discount * nextPolicy[a]);
                }
            }
        }
        int learners = rows - experts;
        return new LossValues(-expertReward * perExpert + value + weight * squares, expertReward * perExpert,
                learners == 0 ? Double.NaN : learnerReward / learners);
    }
}
