package io.github.imitation.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps an embedded broker quiet: Kafka's server code logs hundreds of INFO lines per start, all through
 * slf4j, which this project binds to java.util.logging (the CLI) or the JBoss log manager (the services,
 * a java.util.logging implementation too). Only loggers without a level of their own are touched, so a
 * level set in {@code logging.properties} or Quarkus configuration wins.
 */
final class BrokerLogging {

    /** Everything a broker logs: the Scala core ({@code kafka.*}), the Java modules, and the state-change log. */
    private static final List<String> BROKER_LOGGERS = List.of("kafka", "org.apache.kafka", "state.change.logger");

    /**
     * Warnings that every healthy one-node start or stop writes, by logger: the controller reports its
     * activation (with "the metadata log appears to be empty" on a new node), and the broker closes one
     * of its internal clients twice on shutdown. Neither says anything is wrong.
     */
    private static final Map<String, String> EXPECTED_WARNINGS = Map.of(
            "org.apache.kafka.controller.QuorumController", "Performing controller activation",
            "org.apache.kafka.clients.NetworkClient", "Attempting to close NetworkClient that has already been closed");

    /**
     * Held while the broker runs: java.util.logging keeps loggers only weakly, and a collected logger
     * forgets the level and filter set on it.
     */
    private final List<Logger> held;

    private BrokerLogging(List<Logger> held) {
        this.held = held;
    }

    /** Lowers the broker's loggers to WARNING and drops the expected warnings. JVM-wide. */
    static BrokerLogging quiet() {
        List<Logger> held = new ArrayList<>();
        for (String name : BROKER_LOGGERS) {
            Logger logger = Logger.getLogger(name);
            if (logger.getLevel() == null) {
                logger.setLevel(Level.WARNING);
            }
            held.add(logger);
        }
        EXPECTED_WARNINGS.forEach((name, text) -> {
            Logger logger = Logger.getLogger(name);
            if (logger.getLevel() == null && logger.getFilter() == null) {
                logger.setFilter(record -> record.getLevel().intValue() > Level.WARNING.intValue()
                        || record.getMessage() == null || !record.getMessage().contains(text));
            }
            held.add(logger);
        });
        return new BrokerLogging(List.copyOf(held));
    }
}
