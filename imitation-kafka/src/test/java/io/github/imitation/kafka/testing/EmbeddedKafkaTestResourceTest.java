package io.github.imitation.kafka.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.kafka.TopicLayout;
import io.github.imitation.kafka.TopicSpec;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The lifecycle Quarkus drives: start (broker + topics, the config it hands the app), then stop. */
class EmbeddedKafkaTestResourceTest {

    @Test
    void startsABrokerWithTheTopicsAndStopsIt() throws Exception {
        EmbeddedKafkaTestResource resource = new EmbeddedKafkaTestResource();
        Map<String, String> config = resource.start();
        String bootstrap = config.get("kafka.bootstrap.servers");
        assertEquals(Set.of("kafka.bootstrap.servers"), config.keySet());
        assertTrue(bootstrap.matches("localhost:\\d+"), bootstrap);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            TopicLayout.TOPICS.stream().map(TopicSpec::name).forEach(name -> assertTrue(topics.contains(name), name));
        } finally {
            resource.stop();
        }
        resource.stop(); // a second stop is harmless

        // Stopped means gone: nothing listens on that port any more.
        int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
        assertThrows(ConnectException.class, () -> new Socket(InetAddress.getLoopbackAddress(), port).close());
    }
}
