package io.github.imitation.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.github.imitation.cli.ImitationCli;
import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.eval.Evaluation;
import io.github.imitation.policy.RandomPolicy;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imitation up --algo iq-learn} end to end: a real Kafka node, the four services as processes, IQ-Learn
 * on CartPole from one scripted demonstration with a small budget, with two rollout replicas feeding the
 * learner's replay; the policy that comes out must clearly beat a random one.
 */
class IqLearnPipelineTest {

    @Test
    void iqLearnThroughTheWholePipelineWithTwoRolloutReplicasClearlyBeatsRandom(@TempDir Path dir) throws Exception {
        Path demos = dir.resolve("cartpole-scripted.jsonl");
        DemonstrationsJsonl.write(demos, PipelineTesting.demonstrations(1, 11));
        Path out = dir.resolve("run");
        StringWriter err = new StringWriter();
        var cli = ImitationCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("up", "--env", PipelineTesting.CARTPOLE, "--algo", "iq-learn", "--dataset", demos.toString(),
                "--max-env-steps", "8000", "--seed", "1", "--rollout-replicas", "2", "--exit-when-done", "--quiet", "--out", out.toString(),
                "--port-base", Integer.toString(PipelineTesting.freePorts(6)));
        assertEquals(0, code, "up failed: " + err);

        JsonNode summary = new JsonMapper().readTree(out.resolve("summary.json").toFile());
        var env = EnvRegistry.make(PipelineTesting.CARTPOLE);
        double random = Evaluation.evaluate(new RandomPolicy(env.observationSpace(), env.actionSpace(), 1),
                PipelineTesting.CARTPOLE, 50, 1_000_000, true).meanReturn();
        double learned = summary.get("mean_return").asDouble();
        assertTrue(learned > random + 100, "distributed IQ-Learn " + learned + " vs random " + random);
        assertEquals("COMPLETED", summary.get("phase").asText());
        assertTrue(summary.get("env_steps").asLong() >= 8000, summary.toString());
        assertTrue(summary.get("policy_versions").asLong() > 10, summary.toString());
        assertTrue(summary.get("batches").asLong() > 10, summary.toString());
        assertTrue(summary.get("kafka_bytes").asLong() > 0, summary.toString());
        assertTrue(Files.size(out.resolve("policy.onnx")) > 0);
        assertTrue(Files.size(out.resolve("learning-curve.png")) > 0);
        assertTrue(Files.readAllLines(out.resolve("metrics.jsonl")).size() > 1);
        for (String service : new String[] {"expert-service", "rollout-service", "discriminator-service", "policy-service"}) {
            assertTrue(Files.exists(out.resolve("logs").resolve(service + ".log")), service);
        }
    }
}
