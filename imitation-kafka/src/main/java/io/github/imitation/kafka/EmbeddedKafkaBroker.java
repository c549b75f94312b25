package io.github.imitation.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * One real Kafka node in this JVM: KRaft, broker and controller combined, listening on localhost. It is
 * the production server ({@link KafkaRaftServer} after formatting the storage, as {@code kafka-storage.sh
 * format} then {@code kafka-server-start.sh} would), not a mock, so what works against it works against
 * a real cluster. Made for the local pipeline ({@code ./imitation kafka}) and for tests.
 *
 * <p>A given data directory is kept: starting again on it finds the topics and records that were there.
 * Without one, a temporary directory is used and deleted on {@link #close()}.
 *
 * <p>The broker's logging is lowered to warnings unless a level was configured for it (see
 * {@link BrokerLogging}); that is JVM-wide, as those loggers are shared with Kafka clients in the same JVM.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** One node, so one id; it names the node in its storage ({@code meta.properties}) too. */
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String HOST = "localhost";
    /** Free ports are picked before the node binds them; another process may take one in between. */
    private static final int START_ATTEMPTS = 3;

    private final KafkaRaftServer server;
    private final int port;
    private final Path dataDir;
    private final boolean temporary;
    /** Held for the broker's lifetime so its logging stays quiet. */
    @SuppressWarnings({"unused", "FieldCanBeLocal"})
    private final BrokerLogging logging;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, int port, Path dataDir, boolean temporary, BrokerLogging logging) {
        this.server = server;
        this.port = port;
        this.dataDir = dataDir;
        this.temporary = temporary;
        this.logging = logging;
    }

    /** Starts a node on a free port with a temporary data directory. */
    public static EmbeddedKafkaBroker start() {
        return start(0, null);
    }

    /**
     * Starts a node and returns once it accepts clients (about 2 s).
     *
     * @param port    the client port on localhost; 0 picks a free one
     * @param dataDir where the node keeps its logs and metadata (created if missing, kept on close);
     *                null for a temporary directory deleted on close
     * @throws IllegalArgumentException when the port is out of range or already in use
     * @throws IllegalStateException    when the node does not start
     */
    public static EmbeddedKafkaBroker start(int port, Path dataDir) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0 (any free port) or 1..65535, got " + port);
        }
        // Checked here rather than left to the node, which reports a taken port with pages of stack traces.
        if (port != 0 && portTaken(port)) {
            throw new IllegalArgumentException(HOST + ":" + port + " is already in use");
        }
        BrokerLogging logging = BrokerLogging.quiet();
        boolean temporary = dataDir == null;
        Path dir;
        try {
            dir = temporary ? Files.createTempDirectory("imitation-kafka-") : Files.createDirectories(dataDir.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the Kafka data directory " + dataDir, e);
        }
        try {
            RuntimeException last = null;
            // A bind failure now is a race with another process for a port picked here (the
            // controller's always, the client's when 0): worth another try with new ports.
            for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
                int clientPort = port == 0 ? freePort() : port;
                try {
                    KafkaRaftServer server = startNode(clientPort, freePortOtherThan(clientPort), dir);
                    return new EmbeddedKafkaBroker(server, clientPort, dir, temporary, logging);
                } catch (RuntimeException e) {
                    last = e;
                    if (!causedByBindFailure(e)) {
                        break;
                    }
                }
            }
            throw new IllegalStateException("Kafka did not start on " + HOST + ":" + port + " with data in " + dir
                    + ": " + rootMessage(last), last);
        } catch (RuntimeException e) {
            if (temporary) {
                deleteRecursively(dir);
            }
            throw e;
        }
    }

    /** {@code localhost:PORT}, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    /** Where the node keeps its data; deleted on close when it was a temporary directory. */
    public Path dataDir() {
        return dataDir;
    }

    /** Shuts the node down cleanly (clients connected to it see it go away); idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            if (temporary) {
                deleteRecursively(dataDir);
            }
        }
    }

    private static KafkaRaftServer startNode(int clientPort, int controllerPort, Path dir) {
        KafkaConfig config = new KafkaConfig(nodeConfig(clientPort, controllerPort, dir), false);
        if (!Files.exists(dir.resolve("meta.properties"))) {
            format(dir);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            // A failed start leaves threads and sockets behind; release them before a retry.
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return server;
    }

    /**
     * The node's settings. Everything not set here keeps Kafka's default.
     */
    static Map<String, String> nodeConfig(int clientPort, int controllerPort, Path dir) {
        Map<String, String> props = new TreeMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        // A static quorum of this one node: the controller's address is configuration only, so a restart
        // on the same data directory may listen on another (free) controller port. A dynamic quorum
        // (formatting with --standalone) would write the address into the metadata log at format time.
        props.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + clientPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + clientPort);
        props.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", dir.toString());
        props.put("metadata.log.dir", dir.toString());
        // One node cannot hold more replicas than one: internal topics default to 3 and would never be
        // created, and consumer groups and transactions would wait for them forever.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("default.replication.factor", "1");
        // Fewer partitions for the internal topics than the default 50: each one is a log to create and
        // load, which is most of the time a first consumer group waits on a fresh node.
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.num.partitions", "4");
        // No waiting for more members to join before the first rebalance: with one node and few
        // consumers the default 3 s delay only slows every first poll down.
        props.put("group.initial.rebalance.delay.ms", "0");
        // Topics come from TopicLayout with their configs; a typo in a topic name must fail, not
        // silently create a topic with default settings.
        props.put("auto.create.topics.enable", "false");
        // Request threads for the cores there are: Kafka's defaults (8 I/O, 3 network threads) are for a server of
        // its own, and a local node shares a few cores with the pipeline's services.
        int cores = Runtime.getRuntime().availableProcessors();
        props.put("num.io.threads", String.valueOf(Math.max(2, Math.min(8, cores))));
        props.put("num.network.threads", String.valueOf(Math.max(1, Math.min(3, cores / 2))));
        return props;
    }

    /** What {@code kafka-storage.sh format} does: writes meta.properties and the bootstrap metadata. */
    private static void format(Path dir) {
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setControllerListenerName(CONTROLLER_LISTENER)
                .setMetadataLogDirectory(dir.toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .addDirectory(dir.toString());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on localhost", e);
        }
    }

    /** The OS may hand out a port it just released again, so the controller's is checked against the client's. */
    static int freePortOtherThan(int taken) {
        for (int attempt = 0; attempt < 16; attempt++) {
            int candidate = freePort();
            if (candidate != taken) {
                return candidate;
            }
        }
        throw new IllegalStateException("the OS keeps offering only port " + taken + " on localhost");
    }

    private static boolean portTaken(int port) {
        try (ServerSocket probe = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return !probe.isBound();
        } catch (IOException e) {
            return true;
        }
    }

    private static boolean causedByBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temporary directory is not worth failing a shutdown for.
        }
    }
}
