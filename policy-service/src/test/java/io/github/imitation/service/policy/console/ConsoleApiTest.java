package io.github.imitation.service.policy.console;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.github.imitation.messages.DemonstrationRecords;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** The console's endpoints on a real broker: the live feed, the runs and curves from il.runs, episodes, dead letters. */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class ConsoleApiTest {

    @TestHTTPResource("/api/v1/console/events")
    URI events;

    @Test
    void unknownRunsAndBadSeedsGetA4xxWithAReason() {
        given().get("/api/v1/console/runs/nope/curve").then().statusCode(404).body("error", containsString("unknown run nope"));
        given().get("/api/v1/console/runs/nope/episode").then().statusCode(404).body("error", containsString("unknown run nope"));
        given().get("/api/v1/console/options").then().statusCode(200)
                .body("envs", org.hamcrest.Matchers.hasItem("CartPole-v1"))
                .body("algorithms", org.hamcrest.Matchers.hasItem("iq-learn"));
        given().get("/").then().statusCode(200).body(containsString("console/app.js"));
        given().get("/webjars/chart.js/4.4.1/dist/chart.umd.js").then().statusCode(200);
    }

    @Test
    void aNewRunComesOverTheLiveFeedAndPlaysAnEpisode() throws Exception {
        String run = "console-ppo-1";
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<InputStream> stream = client.send(HttpRequest.newBuilder(events).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
        CompletableFuture<String> event = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String name = null;
                for (String line; (line = lines.readLine()) != null; ) {
                    if (line.startsWith("event:")) {
                        name = line.substring(6).trim();
                    } else if (line.startsWith("data:") && "run".equals(name) && line.contains("\"" + run + "\"")) {
                        return line.substring(5).trim();
                    }
                }
                return null;
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        given().contentType(ContentType.JSON)
                .body("{\"run_id\": \"" + run + "\", \"env\": \"CartPole-v1\", \"algo\": \"ppo\", \"max_env_steps\": 100000}")
                .post("/api/v1/runs").then().statusCode(201);
        String data = event.get(30, TimeUnit.SECONDS);
        assertEquals(run, JsonPath.from(data).getString("spec.run_id"));
        assertEquals("RUNNING", JsonPath.from(data).getString("status.phase"));
        given().get("/api/v1/console/runs").then().statusCode(200).body("runs.spec.run_id", org.hamcrest.Matchers.hasItem(run));

        JsonPath curve = given().get("/api/v1/console/runs/" + run + "/curve").then().statusCode(200).extract().jsonPath();
        assertEquals(List.of(), curve.getList("points"));
        assertEquals(100000L, curve.getLong("env_step_budget"));
        assertNull(curve.get("expert_return"), "a PPO run has no dataset");
        double random = curve.getDouble("random_return");
        assertTrue(random > 10 && random < 40, "CartPole's random level " + random);

        given().get("/api/v1/console/runs/" + run + "/episode?seed=-1").then().statusCode(400);
        JsonPath episode = given().get("/api/v1/console/runs/" + run + "/episode?seed=4").then().statusCode(200)
                .extract().jsonPath();
        int length = episode.getInt("policy.length");
        assertTrue(length >= 1 && length <= 500, "length " + length);
        assertEquals(length + 1, episode.getList("policy.observations").size());
        assertEquals(length, episode.getList("policy.actions").size());
        assertEquals((double) length, episode.getDouble("policy.return"), 1e-9, "CartPole pays 1 per step");
        assertNull(episode.get("expert"), "no expert and no dataset: nothing to show next to it");
        // the same start, the same policy: the same episode
        assertEquals(episode.getList("policy.actions"), given().get("/api/v1/console/runs/" + run + "/episode?seed=4")
                .then().statusCode(200).extract().jsonPath().getList("policy.actions"));
        given().delete("/api/v1/runs/" + run).then().statusCode(200);
    }

    @Test
    void deadLettersAreShownWithTheirReasonsAndSources() throws Exception {
        String bootstrap = ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            ProducerRecord<String, String> record = new ProducerRecord<>(TopicLayout.DEMONSTRATIONS_DLQ, "console-ds", "{oops");
            record.headers().add(DemonstrationRecords.REASON_HEADER, "the record is not JSON".getBytes(StandardCharsets.UTF_8));
            record.headers().add(DemonstrationRecords.SOURCE_TOPIC_HEADER, "il.demonstrations".getBytes(StandardCharsets.UTF_8));
            record.headers().add(DemonstrationRecords.SOURCE_PARTITION_HEADER, "0".getBytes(StandardCharsets.UTF_8));
            record.headers().add(DemonstrationRecords.SOURCE_OFFSET_HEADER, "41".getBytes(StandardCharsets.UTF_8));
            producer.send(record).get(30, TimeUnit.SECONDS);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Map<String, Object>> letters = List.of();
        while (System.nanoTime() < deadline) {
            letters = given().get("/api/v1/console/dead-letters").then().statusCode(200).extract().jsonPath()
                    .getList("dead_letters");
            if (letters.stream().anyMatch(l -> "console-ds".equals(l.get("key")))) {
                break;
            }
            Thread.sleep(200);
        }
        Map<String, Object> letter = letters.stream().filter(l -> "console-ds".equals(l.get("key"))).findFirst()
                .orElseThrow(() -> new AssertionError("the dead letter never showed"));
        assertEquals("the record is not JSON", letter.get("reason"));
        assertEquals("il.demonstrations", letter.get("source_topic"));
        assertEquals(0, ((Number) letter.get("source_partition")).intValue());
        assertEquals(41, ((Number) letter.get("source_offset")).intValue());
        assertEquals("{oops", letter.get("value"));
        assertEquals(5, ((Number) letter.get("value_bytes")).intValue());
    }
}
