package io.github.imitation.algo.offpolicy;

import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.fast.FastAdam;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * {@link SacNetworks} in plain Java: a {@link FastSquashedGaussianActor}, a {@link FastTwinCritic} and two
 * {@link FastAdam}s, with the losses' gradients written out (see {@link SacNetworks} for the losses):
 * <ul>
 *   <li>IQ-Learn: {@code ∂/∂Q_i(s, a) = ½ (−m/B_e + c ∂χ²/∂r_i)}, with {@code ∂χ²/∂r_i = 2 r_i / B} over all rows or
 *       {@code 2 m r_i / B_e} over the expert's (m the expert mask, B the rows, B_e the expert's rows); the value
 *       term's {@code ∂/∂V(s) = 1/B} over all rows, {@code m/B_e} over the expert's, or {@code (1 − γ) m/B_e} for
 *       {@code V0}, routed to the smaller critic at
 *       {@code (s, ã)}. The pairs (s, a) and (s, ã) go through each critic as one batch of twice the rows, so one
 *       backward pass adds the gradients through both;</li>
 *   <li>SQIL: {@code ∂/∂Q_i(s, a) = 2 (Q_i(s, a) − m − y) / B};</li>
 *   <li>actor: {@code ∂/∂log π = α/B} and {@code ∂/∂ã = −∂min Q(s, ã)/∂ã / B}, the critics' input gradient, which
 *       leaves their parameters' gradients alone.</li>
 * </ul>
 */
final class FastSacNetworks implements SacNetworks {

    private final OffPolicyConfig config;
    private final float alpha;
    private final FastSquashedGaussianActor actor;
    private final FastTwinCritic critic;
    private final FastAdam actorOptimizer;
    private final FastAdam criticOptimizer;
    /** Per row: the critics' target y; the gradients of both critics' values (twice the rows) and of log π. */
    private float[] y;
    private float[] dQ1;
    private float[] dQ2;
    private float[] dLogProb;

    FastSacNetworks(int observationSize, int actionSize, OffPolicyConfig config, SplittableRandom random) {
        this.config = config;
        this.alpha = (float) config.temperature();
        this.actor = new FastSquashedGaussianActor(observationSize, actionSize, config.hiddenSizes(), random.split());
        this.critic = new FastTwinCritic(observationSize, actionSize, config.hiddenSizes(), random.split());
        this.actorOptimizer = new FastAdam(actor.parameters(), (float) config.actorLearningRate(), 1e-8f);
        this.criticOptimizer = new FastAdam(critic.parameters(), (float) config.learningRate(), 1e-8f);
    }

    @Override
    public String name() {
        return "fast";
    }

    @Override
    public ImitationObjective.LossValues criticBackward(SacBatch batch, boolean report) {
        int rows = batch.rows();
        ensureCapacity(rows);
        targets(batch);
        boolean sqil = config.algorithm() == OffPolicyConfig.Algorithm.SQIL;
        int forwardRows = sqil ? rows : 2 * rows;
        float[][] input = critic.input(forwardRows);
        critic.fill(input, 0, batch.observations(), batch.actions(), rows);
        if (!sqil) {
            actor.sample(batch.observations(), batch.currentNoise(), rows);
            critic.fill(input, rows, batch.observations(), actor.actions(), rows);
        }
        float[][] q = critic.forward(input, forwardRows);
        Arrays.fill(dQ1, 0, forwardRows, 0f);
        Arrays.fill(dQ2, 0, forwardRows, 0f);
        ImitationObjective.LossValues loss = sqil ? sqil(batch, q) : iqLearn(batch, q, actor.logProbabilities());
        critic.backward(dQ1, dQ2, forwardRows);
        return report ? loss : null;
    }

    /** {@code y = γ (1 − done) (min Q'(s', ã') − α log π(ã'|s'))} into {@link #y}, as the DJL graph rounds it. */
    private void targets(SacBatch batch) {
        int rows = batch.rows();
        actor.sample(batch.nextObservations(), batch.nextNoise(), rows);
        float[][] input = critic.targetInput(rows);
        critic.fill(input, 0, batch.nextObservations(), actor.actions(), rows);
        critic.targetMin(input, rows, y);
        float[] logProb = actor.logProbabilities();
        float gamma = (float) config.gamma();
        float[] notDone = batch.notDone();
        for (int r = 0; r < rows; r++) {
            y[r] = (y[r] - logProb[r] * alpha) * notDone[r] * gamma;
        }
    }

    /**
     * IQ-Learn's loss from the critics' values {@code q} at (s, a) (rows {@code [0, B)}) and at (s, ã) (rows
     * {@code [B, 2B)}), with the log-probabilities of ã; writes the gradients into {@link #dQ1} and {@link #dQ2}.
     */
    private ImitationObjective.LossValues iqLearn(SacBatch batch, float[][] q, float[] logProb) {
        int rows = batch.rows();
        float[] mask = batch.expertMask();
        double perExpert = 1.0 / batch.expertRows();
        double perRow = 1.0 / rows;
        boolean valueOverAll = config.valueLoss() == IqLearnObjective.ValueLoss.VALUE;
        boolean v0 = config.valueLoss() == IqLearnObjective.ValueLoss.V0;
        double v0Scale = 1 - config.gamma();
        IqLearnObjective.Chi2 chi2 = config.chi2();
        double c = chi2 == IqLearnObjective.Chi2.NONE ? 0 : config.chi2Weight();
        double valueTerm = 0;
        for (int r = 0; r < rows; r++) {
            float v = Math.min(q[0][rows + r], q[1][rows + r]) - logProb[r] * alpha;
            double term = v0 ? v0Scale * v : v - y[r];
            valueTerm += valueOverAll ? term : term * mask[r];
            // ½ of the value term in each critic's loss: its whole gradient goes to the smaller critic at (s, ã).
            float dV = (float) (valueOverAll ? perRow : v0 ? mask[r] * perExpert * v0Scale : mask[r] * perExpert);
            FastTwinCritic.addMinGradient(q[0], q[1], rows + r, dV, dQ1, dQ2);
        }
        valueTerm *= valueOverAll ? perRow : perExpert;
        double total = 0;
        double expert = 0;
        double learner = 0;
        for (int i = 0; i < 2; i++) {
            float[] qi = q[i];
            float[] dQ = i == 0 ? dQ1 : dQ2;
            double expertReward = 0;
            double allReward = 0;
            double chi = 0;
            for (int r = 0; r < rows; r++) {
                double reward = qi[r] - y[r];
                expertReward += reward * mask[r];
                allReward += reward;
                double dChi = 0;
                if (chi2 == IqLearnObjective.Chi2.ALL) {
                    chi += reward * reward;
                    dChi = 2 * reward * perRow;
                } else if (chi2 == IqLearnObjective.Chi2.EXPERT) {
                    chi += reward * reward * mask[r];
                    dChi = 2 * reward * mask[r] * perExpert;
                }
                dQ[r] = (float) (0.5 * (-mask[r] * perExpert + c * dChi));
            }
            chi *= chi2 == IqLearnObjective.Chi2.ALL ? perRow : perExpert;
            total += -expertReward * perExpert + valueTerm + c * chi;
            if (i == 0) {
                expert = expertReward * perExpert;
                learner = (allReward - expertReward) * perExpert;
            }
        }
        return new ImitationObjective.LossValues(0.5 * total, expert, learner);
    }

    /** SQIL's squared soft Bellman error with reward 1 on the expert's rows; gradients into {@link #dQ1}, {@link #dQ2}. */
    private ImitationObjective.LossValues sqil(SacBatch batch, float[][] q) {
        int rows = batch.rows();
        float[] mask = batch.expertMask();
        double perRow = 1.0 / rows;
        double total = 0;
        for (int i = 0; i < 2; i++) {
            float[] qi = q[i];
            float[] dQ = i == 0 ? dQ1 : dQ2;
            double squares = 0;
            for (int r = 0; r < rows; r++) {
                double error = qi[r] - (mask[r] + y[r]);
                squares += error * error;
                dQ[r] = (float) (2 * error * perRow);
            }
            total += squares * perRow;
        }
        double expert = 0;
        double all = 0;
        for (int r = 0; r < rows; r++) {
            expert += q[0][r] * mask[r];
            all += q[0][r];
        }
        double perExpert = 1.0 / batch.expertRows();
        return new ImitationObjective.LossValues(total, expert * perExpert, (all - expert) * perExpert);
    }

    @Override
    public float[][] criticGradients() {
        return critic.parameters().readGradients();
    }

    @Override
    public void criticStep(float learningRate) {
        criticOptimizer.setLearningRate(learningRate);
        criticOptimizer.step(0);
    }

    @Override
    public double actorBackward(SacBatch batch, boolean report) {
        int rows = batch.rows();
        ensureCapacity(rows);
        actor.sample(batch.observations(), batch.actorNoise(), rows);
        float[][] input = critic.input(rows);
        critic.fill(input, 0, batch.observations(), actor.actions(), rows);
        float[][] q = critic.forward(input, rows);
        float[] logProb = actor.logProbabilities();
        float perRow = 1f / rows;
        Arrays.fill(dQ1, 0, rows, 0f);
        Arrays.fill(dQ2, 0, rows, 0f);
        double loss = 0;
        for (int r = 0; r < rows; r++) {
            loss += logProb[r] * alpha - Math.min(q[0][r], q[1][r]);
            FastTwinCritic.addMinGradient(q[0], q[1], r, -perRow, dQ1, dQ2);
            dLogProb[r] = alpha * perRow;
        }
        actor.backward(critic.actionGradient(dQ1, dQ2, rows), dLogProb);
        return report ? loss / rows : Double.NaN;
    }

    @Override
    public float[][] actorGradients() {
        return actor.parameters().readGradients();
    }

    /** The actor's loss left no gradients on the critics ({@link FastTwinCritic#actionGradient}), so only the step. */
    @Override
    public void actorStep(float learningRate) {
        actorOptimizer.setLearningRate(learningRate);
        actorOptimizer.step(0);
    }

    @Override
    public void polyak() {
        critic.polyak(TAU);
    }

    @Override
    public Mlp freezeActor() {
        return actor.freeze();
    }

    @Override
    public int parameterArrays() {
        return actor.parameters().segments() + critic.parameters().segments();
    }

    @Override
    public float[][] readParameters() {
        float[][] a = actor.parameters().read();
        float[][] c = critic.parameters().read();
        float[][] all = Arrays.copyOf(a, a.length + c.length);
        System.arraycopy(c, 0, all, a.length, c.length);
        return all;
    }

    @Override
    public void writeParameters(float[][] values) {
        int actorArrays = actor.parameters().segments();
        if (values.length != parameterArrays()) {
            throw new IllegalArgumentException("checkpoint has " + values.length + " parameter arrays, the networks "
                    + parameterArrays());
        }
        actor.parameters().write(Arrays.copyOfRange(values, 0, actorArrays));
        critic.parameters().write(Arrays.copyOfRange(values, actorArrays, values.length));
        critic.syncTargets();
    }

    private void ensureCapacity(int rows) {
        if (y != null && y.length >= rows) {
            return;
        }
        y = new float[rows];
        dQ1 = new float[2 * rows];
        dQ2 = new float[2 * rows];
        dLogProb = new float[rows];
    }

    @Override
    public void close() {
        // nothing native to release
    }
}
