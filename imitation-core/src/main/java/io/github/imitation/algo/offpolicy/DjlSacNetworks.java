package io.github.imitation.algo.offpolicy;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.github.imitation.nn.AdamOptimizer;
import io.github.imitation.nn.DjlRuntime;
import io.github.imitation.nn.GraphScalars;
import io.github.imitation.nn.Mlp;
import io.github.imitation.nn.ParameterValues;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * {@link SacNetworks} on DJL/PyTorch (selected with {@code -Dimitation.learner=djl}): a {@link SquashedGaussianActor}
 * and a {@link TwinCritic}, whose losses autograd differentiates, and two {@link AdamOptimizer}s.
 */
final class DjlSacNetworks implements SacNetworks {

    private final OffPolicyConfig config;
    private final float alpha;
    private final Engine engine;
    private final NDManager manager;
    private final SquashedGaussianActor actor;
    private final TwinCritic critic;
    private final List<NDArray> parameters;
    private final AdamOptimizer actorOptimizer;
    private final AdamOptimizer criticOptimizer;

    DjlSacNetworks(int observationSize, int actionSize, OffPolicyConfig config, SplittableRandom random) {
        this.config = config;
        this.alpha = (float) config.temperature();
        this.engine = DjlRuntime.engine();
        this.manager = engine.newBaseManager();
        this.actor = new SquashedGaussianActor(manager, observationSize, actionSize, config.hiddenSizes(), random.split());
        this.critic = new TwinCritic(manager, observationSize, actionSize, config.hiddenSizes(), random.split());
        this.actorOptimizer = new AdamOptimizer(actor.parameters(), (float) config.actorLearningRate(), 1e-8f);
        this.criticOptimizer = new AdamOptimizer(critic.parameters(), (float) config.learningRate(), 1e-8f);
        critic.initTargets();
        List<NDArray> all = new ArrayList<>(actor.parameters());
        all.addAll(critic.parameters());
        this.parameters = List.copyOf(all);
    }

    @Override
    public String name() {
        return "djl";
    }

    @Override
    public ImitationObjective.LossValues criticBackward(SacBatch batch, boolean report) {
        int rows = batch.rows();
        float gamma = (float) config.gamma();
        float perExpert = 1f / batch.expertRows();
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray o = observations(scope, batch, batch.observations());
            NDArray n = observations(scope, batch, batch.nextObservations());
            NDArray a = actions(scope, batch, batch.actions());
            NDArray nd = scope.create(batch.notDone());
            NDArray m = scope.create(batch.expertMask());
            NDArray[] nextSample = actor.sample(n, actions(scope, batch, batch.nextNoise()));
            NDArray nextV = critic.targetMin(n, nextSample[0].stopGradient())
                    .sub(GraphScalars.mul(nextSample[1].stopGradient(), alpha));
            NDArray y = GraphScalars.mul(nextV.mul(nd), gamma);
            NDArray[] q = critic.both(o, a);
            NDArray loss;
            NDArray expertDiag;
            NDArray learnerDiag;
            if (config.algorithm() == OffPolicyConfig.Algorithm.SQIL) {
                NDArray target = m.add(y);
                loss = q[0].sub(target).square().mean().add(q[1].sub(target).square().mean());
                expertDiag = GraphScalars.mul(q[0].mul(m).sum(), perExpert);
                learnerDiag = GraphScalars.mul(q[0].sum().sub(q[0].mul(m).sum()), perExpert);
            } else {
                NDArray[] current = actor.sample(o, actions(scope, batch, batch.currentNoise()));
                NDArray v = critic.min(o, current[0].stopGradient()).sub(GraphScalars.mul(current[1].stopGradient(), alpha));
                NDArray telescoped = v.sub(y);
                NDArray valueTerm = switch (config.valueLoss()) {
                    case VALUE -> telescoped.mean();
                    case VALUE_EXPERT -> GraphScalars.mul(telescoped.mul(m).sum(), perExpert);
                    case V0 -> GraphScalars.mul(v.mul(m).sum(), (1f - gamma) * perExpert);
                };
                loss = null;
                NDArray reward0 = null;
                for (NDArray qi : q) {
                    NDArray reward = qi.sub(y);
                    NDArray li = GraphScalars.mul(reward.mul(m).sum(), perExpert).neg().add(valueTerm);
                    if (config.chi2() != IqLearnObjective.Chi2.NONE) {
                        NDArray sq = reward.square();
                        NDArray chi = config.chi2() == IqLearnObjective.Chi2.ALL ? sq.mean()
                                : GraphScalars.mul(sq.mul(m).sum(), perExpert);
                        li = li.add(GraphScalars.mul(chi, (float) config.chi2Weight()));
                    }
                    loss = loss == null ? li : loss.add(li);
                    reward0 = reward0 == null ? reward : reward0;
                }
                loss = GraphScalars.mul(loss, 0.5f);
                expertDiag = GraphScalars.mul(reward0.mul(m).sum(), perExpert);
                learnerDiag = GraphScalars.mul(reward0.sum().sub(reward0.mul(m).sum()), perExpert);
            }
            collector.backward(loss);
            if (!report) {
                return null;
            }
            return new ImitationObjective.LossValues(loss.getFloat(), expertDiag.getFloat(), learnerDiag.getFloat());
        }
    }

    @Override
    public float[][] criticGradients() {
        return ParameterValues.readGradients(critic.parameters());
    }

    @Override
    public void criticStep(float learningRate) {
        criticOptimizer.setLearningRate(learningRate);
        criticOptimizer.step(0);
    }

    @Override
    public double actorBackward(SacBatch batch, boolean report) {
        try (NDManager scope = manager.newSubManager(); GradientCollector collector = engine.newGradientCollector()) {
            NDArray o = observations(scope, batch, batch.observations());
            NDArray[] sample = actor.sample(o, actions(scope, batch, batch.actorNoise()));
            NDArray actorLoss = GraphScalars.mul(sample[1], alpha).sub(critic.min(o, sample[0])).mean();
            collector.backward(actorLoss);
            return report ? actorLoss.getFloat() : Double.NaN;
        }
    }

    @Override
    public float[][] actorGradients() {
        return ParameterValues.readGradients(actor.parameters());
    }

    /** Also clears the gradients the actor's loss left on the critics, which must not reach their next step. */
    @Override
    public void actorStep(float learningRate) {
        actorOptimizer.setLearningRate(learningRate);
        actorOptimizer.step(0);
        criticOptimizer.clearGradients();
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
        return parameters.size();
    }

    @Override
    public float[][] readParameters() {
        return ParameterValues.read(parameters);
    }

    @Override
    public void writeParameters(float[][] values) {
        ParameterValues.write(parameters, values);
        critic.syncTargets();
    }

    private static NDArray observations(NDManager scope, SacBatch batch, float[] values) {
        return scope.create(values, new Shape(batch.rows(), batch.observationSize()));
    }

    private static NDArray actions(NDManager scope, SacBatch batch, float[] values) {
        return scope.create(values, new Shape(batch.rows(), batch.actionSize()));
    }

    @Override
    public void close() {
        critic.close();
        manager.close();
    }
}
