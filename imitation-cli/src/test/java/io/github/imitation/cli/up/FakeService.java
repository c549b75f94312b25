package io.github.imitation.cli.up;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in for a service, run by ServiceProcessesTest as {@code java -jar} (alone in its jar, so JDK
 * classes only): {@code fake.mode=serve} answers /api/v1/info with its instance id and the health checks;
 * {@code sleep} stays up without listening; {@code fail} logs as Quarkus does when its port is taken and exits.
 */
public final class FakeService {

    private FakeService() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("quarkus.http.port");
        switch (System.getProperty("fake.mode", "serve")) {
            case "fail" -> {
                System.out.println("12:00:01 INFO  [io.qua.sma.rea.kaf.client] starting");
                System.out.println("12:00:02 ERROR [io.qua.run.Application] Port " + port
                        + " seems to be in use by another process. Quarkus may already be running.");
                System.out.println("java.net.BindException: Address already in use");
                System.out.println("\tat sun.nio.ch.Net.bind0(Native Method)");
                System.exit(1);
            }
            case "sleep" -> Thread.sleep(600_000);
            default -> {
                HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
                String info = "{\"service\": \"fake\", \"instance_id\": \"" + System.getProperty("imitation.instance-id") + "\"}";
                server.createContext("/api/v1/info", e -> answer(e, info));
                server.createContext("/q/health", e -> answer(e, "{\"status\": \"UP\"}"));
                server.start();
            }
        }
    }

    static void answer(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
