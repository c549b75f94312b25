package io.github.imitation.service.expert;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.github.imitation.kafka.testing.EmbeddedKafkaTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

@QuarkusTest
@QuarkusTestResource(EmbeddedKafkaTestResource.class)
class HealthAndInfoTest {

    private static final String SERVICE = "expert-service";
    private static final String ROLE =
            "expert demonstrations: uploaded, generated, streamed into Kafka; DAgger labelling";

    @Test
    void liveness() {
        given().when().get("/q/health/live")
                .then().statusCode(200)
                .body("status", equalTo("UP"));
    }

    @Test
    void readinessIncludesRoleCheck() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem(SERVICE))
                .body("checks.find { it.name == '" + SERVICE + "' }.status", equalTo("UP"))
                .body("checks.find { it.name == '" + SERVICE + "' }.data.role", equalTo(ROLE))
                .body("checks.find { it.name == '" + SERVICE + "' }.data.instance_id", equalTo("test-instance"));
    }

    @Test
    void info() {
        given().accept(ContentType.JSON).when().get("/api/v1/info")
                .then().statusCode(200)
                .contentType(ContentType.JSON)
                .body("service", equalTo(SERVICE))
                .body("version", equalTo(System.getProperty("expected.version")))
                .body("role", equalTo(ROLE))
                .body("instance_id", equalTo("test-instance"));
    }
}
