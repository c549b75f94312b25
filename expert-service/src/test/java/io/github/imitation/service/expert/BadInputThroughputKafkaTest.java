package io.github.imitation.service.expert;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import io.github.imitation.data.DemonstrationsJsonl;
import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * 10,000 malformed or conflicting records mixed with 1,000 valid ones, produced at once: every one ends in
 * its place (dataset or DLQ, counted), and the time it takes is printed as records/s (the figure of
 * issue 21: about 450 records/s when each dead letter waited for its own ack).
 */
@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class BadInputThroughputKafkaTest {

    @Test
    void elevenThousandRecordsArePlacedAndCounted() throws Exception {
        String dataset = "throughput-" + UUID.randomUUID().toString().substring(0, 8);
        String valid = DemonstrationsJsonl.toLine(TestData.cartPole(1, 61).get(0));
        String[] bad = {
            "{\"env\": \"CartPole-v1\", \"obs\": [[",
            valid.replaceFirst("\"obs\":\\[\\[([^\\]]*)\\]", "\"obs\":[[$1,0.5]"),
            valid.replace("\"CartPole-v1\"", "\"CartPole-v9\""),
            valid.replace("\"CartPole-v1\"", "\"CartPole-v0\""), // another env than the dataset's
            "",
        };
        int validCount = 1_000;
        int badCount = 10_000;
        double deadBefore = metric("imitation_demonstrations_dead_lettered_total");
        double validBefore = metric("imitation_demonstrations_valid_total");
        long start = System.nanoTime();
        try (KafkaProducer<String, byte[]> producer = TestData.producer()) {
            producer.send(new ProducerRecord<>(TopicLayout.DEMONSTRATIONS, dataset, valid.getBytes(StandardCharsets.UTF_8)));
            int b = 0;
            for (int i = 1; i < validCount + badCount; i++) {
                String value = i % 11 == 0 ? valid : bad[b++ % bad.length];
                producer.send(new ProducerRecord<>(TopicLayout.DEMONSTRATIONS, dataset, value.getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
        long produced = System.nanoTime();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (metric("imitation_demonstrations_dead_lettered_total") < deadBefore + badCount
                || metric("imitation_demonstrations_valid_total") < validBefore + validCount) {
            if (System.nanoTime() > deadline) {
                fail("not placed in 120 s: dead-lettered " + (metric("imitation_demonstrations_dead_lettered_total") - deadBefore)
                        + ", valid " + (metric("imitation_demonstrations_valid_total") - validBefore));
            }
            Thread.sleep(50);
        }
        long done = System.nanoTime();
        Response info = given().get("/api/v1/datasets/" + dataset);
        double seconds = (done - start) / 1e9;
        System.out.printf("bad-input throughput: %d records (%d valid, %d dead-lettered) validated and placed in %.2f s "
                + "(produced in %.2f s): %.0f records/s; dataset %s%n", validCount + badCount, validCount, badCount, seconds,
                (produced - start) / 1e9, (validCount + badCount) / seconds, info.asString());
        assertEquals(validCount, info.jsonPath().getInt("trajectories"));
        assertEquals(badCount, info.jsonPath().getInt("dead_lettered"));
        assertEquals(validCount + badCount, info.jsonPath().getInt("read"));
    }

    private static double metric(String name) {
        String text = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String line : text.split("\n")) {
            if (line.startsWith(name + " ") || line.startsWith(name + "{")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
