package io.github.imitation.algo.ppo;

import io.github.imitation.messages.PolicyVersion;
import io.github.imitation.messages.RolloutBatch;
import io.github.imitation.nn.ObservationNormalizer;
import io.github.imitation.nn.PolicySnapshot;
import io.github.imitation.onnx.OnnxPolicyExporter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The learner of the distributed pipeline (asynchronous on-policy learning, as in IMPALA / RLlib's
 * APPO): PPO updates on batches that rollout workers collected with a possibly older policy version.
 * A batch older than {@code maxPolicyLag} versions is dropped and counted; a newer one is used with its
 * behaviour log-probs, so PPO's clipped ratio corrects for the lag. Every update produces a new
 * version, exported to ONNX for the workers and the inference endpoint. Redelivered batches are not
 * applied twice. Not thread-safe: the policy-service drives one learner per run from one thread.
 */
public final class BatchLearner implements io.github.imitation.algo.RolloutLearner {

    /**
     * The result of offering a batch.
     *
     * @param outcome what happened
     * @param update  the PPO figures when applied
     * @param policy  the new policy version when applied
     */
    public record Result(Outcome outcome, Optional<PpoUpdate> update, Optional<PolicyVersion> policy) {
    }

    /** What a restarted learner continues from (see {@link io.github.imitation.algo.Checkpoints}). */
    public record Checkpoint(Ppo.LearnerState learner, long version, long staleDropped, long duplicatesDropped) {
    }

    private final String runId;
    private final String algorithm;
    private final Ppo ppo;
    private final int maxPolicyLag;
    private final long maxEnvSteps;
    /** Normalizers of the recent versions, by version: a batch is normalized as its policy saw it. */
    private final Map<Long, ObservationNormalizer> normalizers = new LinkedHashMap<>();
    private final io.github.imitation.algo.SeenBatches seenBatches = new io.github.imitation.algo.SeenBatches();
    private long version;
    private long staleDropped;
    private long duplicatesDropped;
    private PolicyVersion latest;

    /**
     * @param maxPolicyLag how many versions a batch's policy may lag behind the current one (0: on-policy only)
     * @param maxEnvSteps  the run's env-step budget; batches beyond it are refused
     */
    public BatchLearner(String runId, String envId, String algorithm, PpoConfig config, long seed, int maxPolicyLag,
            long maxEnvSteps) {
        if (maxPolicyLag < 0) {
            throw new IllegalArgumentException("maxPolicyLag must be >= 0, got " + maxPolicyLag);
        }
        this.runId = runId;
        this.algorithm = algorithm;
        this.ppo = Ppo.learner(envId, config, seed);
        this.maxPolicyLag = maxPolicyLag;
        this.maxEnvSteps = maxEnvSteps;
        this.latest = export();
    }

    @Override
    public void saveCheckpoint(java.nio.file.Path file) {
        io.github.imitation.algo.Checkpoints.writeLearner(file, checkpoint());
    }

    @Override
    public void restoreCheckpoint(java.nio.file.Path file) {
        restore(io.github.imitation.algo.Checkpoints.readLearner(file));
    }

    public Checkpoint checkpoint() {
        return new Checkpoint(ppo.state(), version, staleDropped, duplicatesDropped);
    }

    /**
     * Continues from a checkpoint: the next update produces version {@code checkpoint.version() + 1}.
     * Batches of versions before the checkpoint's are dropped as stale (their normalizers are gone).
     */
    public void restore(Checkpoint checkpoint) {
        ppo.restore(checkpoint.learner());
        version = checkpoint.version();
        staleDropped = checkpoint.staleDropped();
        duplicatesDropped = checkpoint.duplicatesDropped();
        normalizers.clear();
        latest = export();
    }

    /** The current policy version (0 before the first update). */
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
        return ppo.envSteps();
    }

    @Override
    public long staleDropped() {
        return staleDropped;
    }

    @Override
    public long duplicatesDropped() {
        return duplicatesDropped;
    }

    @Override
    public boolean budgetSpent() {
        return ppo.envSteps() >= maxEnvSteps;
    }

    /** The current policy as plain data, for evaluation and checkpoints. */
    public PolicySnapshot snapshot() {
        return ppo.snapshot(algorithm).withVersion(version);
    }

    /**
     * Offers a batch: learned {@code rewards} (with the absorbing state's {@code terminalValue}) for
     * GAIL/AIRL, or null to learn from the env's rewards.
     */
    @Override
    public Offered offerBatch(RolloutBatch batch, float[] rewards, double terminalValue) {
        Result result = offer(batch, rewards, terminalValue);
        return new Offered(result.outcome(), result.policy());
    }

    public Result offer(RolloutBatch batch, float[] rewards, double terminalValue) {
        if (seenBatches.seenBefore(batch.batchId())) {
            duplicatesDropped++;
            return new Result(Outcome.DUPLICATE, Optional.empty(), Optional.empty());
        }
        if (budgetSpent()) {
            return new Result(Outcome.BUDGET_SPENT, Optional.empty(), Optional.empty());
        }
        ObservationNormalizer behaviour = normalizers.get(batch.policyVersion());
        if (version - batch.policyVersion() > maxPolicyLag || behaviour == null) {
            staleDropped++;
            return new Result(Outcome.STALE, Optional.empty(), Optional.empty());
        }
        ppo.annealTo(ppo.envSteps());
        PpoUpdate update = ppo.updateOn(batch, rewards, terminalValue, behaviour);
        version++;
        latest = export();
        return new Result(Outcome.APPLIED, Optional.of(update), Optional.of(latest));
    }

    private PolicyVersion export() {
        PolicySnapshot snapshot = snapshot();
        normalizers.put(version, snapshot.normalizer());
        normalizers.keySet().removeIf(v -> version - v > maxPolicyLag);
        return PolicyVersion.of(runId, version, snapshot.envId(), algorithm, ppo.envSteps(),
                OnnxPolicyExporter.toBytes(snapshot));
    }

    @Override
    public void close() {
        ppo.close();
    }
}
