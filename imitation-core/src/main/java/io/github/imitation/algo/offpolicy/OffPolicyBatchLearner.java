package io.github.imitation.algo.offpolicy;

import io.github.imitation.algo.RolloutLearner;
import io.github.imitation.data.Trajectory;
import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.List;
import java.util.Optional;

/**
 * IQ-Learn or SQIL fed by rollout batches (the pipeline's learner in policy-service): every transition of a
 * batch goes into the replay buffer, whatever policy version acted (off-policy learning has no policy-lag
 * limit: nothing is stale), then {@code updatesPerStep} gradient steps per transition received are taken and a
 * new policy version is exported. Discrete actions learn with soft Q-learning, Box actions with SAC
 * ({@link OffPolicyTrainer#create}). Before {@code learningStarts} transitions the published policy explores the
 * whole action space (uniform for Discrete, a Gaussian as wide as the bounds for Box: the learner's own loop acts
 * randomly then too); a Box policy's rollouts then sample its greedy action plus Gaussian noise of a tenth of the
 * half range (the exported model's fixed log-std), not SAC's state-dependent noise. A batch seen before is dropped.
 */
public final class OffPolicyBatchLearner implements RolloutLearner {

    /**
     * What a restarted learner continues from: the Q-network and the counts. The replay is not kept (it would be
     * megabytes per version); it refills from new rollouts, and updates resume after one minibatch of them.
     */
    public record Checkpoint(float[][] parameters, long version, long envSteps, long updates, long duplicatesDropped) {
    }

    private final String runId;
    private final String envId;
    private final OffPolicyTrainer learner;
    private final long maxEnvSteps;
    private final io.github.imitation.algo.SeenBatches seenBatches = new io.github.imitation.algo.SeenBatches();
    private long version;
    private long duplicatesDropped;
    private PolicyVersion latest;

    public OffPolicyBatchLearner(String runId, String envId, List<Trajectory> demonstrations, OffPolicyConfig config, long seed) {
        if (config.offline()) {
            throw new IllegalArgumentException("an offline run takes no rollouts");
        }
        this.runId = runId;
        this.envId = envId;
        this.learner = OffPolicyTrainer.create(envId, demonstrations, config, seed);
        this.maxEnvSteps = config.totalEnvSteps();
        this.latest = export();
    }

    @Override
    public Offered offerBatch(RolloutBatch batch, float[] rewards, double terminalValue) {
        if (seenBatches.seenBefore(batch.batchId())) {
            duplicatesDropped++;
            return new Offered(Outcome.DUPLICATE, Optional.empty());
        }
        if (budgetSpent()) {
            return new Offered(Outcome.BUDGET_SPENT, Optional.empty());
        }
        int n = batch.numSteps() * batch.numEnvs();
        int obsSize = batch.observationSize();
        int added = 0;
        for (int e = 0; e < n; e++) {
            if ((batch.flags()[e] & RolloutBatch.VALID) == 0) {
                continue;
            }
            // Time-major: the next observation of entry t*numEnvs+i is entry (t+1)*numEnvs+i, or the batch's last
            // observation of env i (with next-step autoreset the entry after an episode's end holds its final
            // observation, not a reset one).
            int next = e + batch.numEnvs();
            boolean terminated = (batch.flags()[e] & RolloutBatch.TERMINATED) != 0;
            float[] nextSource = next < n ? batch.observations() : batch.lastObservations();
            int nextOffset = next < n ? next * obsSize : (e % batch.numEnvs()) * obsSize;
            if (batch.discrete()) {
                learner.addTransition(batch.observations(), e * obsSize, batch.discreteActions()[e], batch.envRewards()[e],
                        nextSource, nextOffset, terminated);
            } else {
                learner.addTransition(batch.observations(), e * obsSize, batch.boxActions(), e * batch.actionSize(),
                        batch.envRewards()[e], nextSource, nextOffset, terminated);
            }
            added++;
        }
        if (learner.learning()) {
            long updates = (long) added * learner.config().updatesPerStep();
            for (long u = 0; u < updates; u++) {
                learner.update();
            }
        }
        version++;
        latest = export();
        return new Offered(Outcome.APPLIED, Optional.of(latest));
    }

    @Override
    public void saveCheckpoint(java.nio.file.Path file) {
        io.github.imitation.algo.Checkpoints.writeOffPolicy(file, checkpoint());
    }

    @Override
    public void restoreCheckpoint(java.nio.file.Path file) {
        restore(io.github.imitation.algo.Checkpoints.readOffPolicy(file));
    }

    public Checkpoint checkpoint() {
        return new Checkpoint(learner.parameters(), version, learner.envSteps(), learner.updates(), duplicatesDropped);
    }

    /** Continues from a checkpoint: the next batch produces version {@code checkpoint.version() + 1}. */
    public void restore(Checkpoint checkpoint) {
        learner.restore(checkpoint.parameters(), checkpoint.envSteps(), checkpoint.updates());
        version = checkpoint.version();
        duplicatesDropped = checkpoint.duplicatesDropped();
        latest = export();
    }

    private PolicyVersion export() {
        return PolicyVersion.of(runId, version, envId, learner.config().algorithm().id(), learner.envSteps(),
                OnnxPolicyExporter.toBytes(learner.actingPolicy().withVersion(version)));
    }

    /** Gradient steps taken so far. */
    public long updates() {
        return learner.updates();
    }

    @Override
    public PolicyVersion latest() {
        return latest;
    }

    @Override
    public long version() {
        return version;
    }

    @Override
    public long envSteps() {
        return learner.envSteps();
    }

    @Override
    public long staleDropped() {
        return 0;
    }

    @Override
    public long duplicatesDropped() {
        return duplicatesDropped;
    }

    @Override
    public boolean budgetSpent() {
        return learner.envSteps() >= maxEnvSteps;
    }

    @Override
    public void close() {
        learner.close();
    }
}
