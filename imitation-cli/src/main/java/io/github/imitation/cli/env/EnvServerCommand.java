package io.github.imitation.cli.env;

import io.github.imitation.env.EnvKind;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.remote.DmEnvRpcServer;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code imitation env-server --env ID --port PORT}: serves a built-in or plug-in env over dm_env_rpc
 * (plain and batched worlds, this project's profile) until SIGTERM or Ctrl-C. The JVM counterpart of
 * {@code python/serve_gymnasium.py}.
 */
@Command(name = "env-server", mixinStandardHelpOptions = true,
        description = "Serve a built-in or plug-in environment over dm_env_rpc (gRPC) until SIGTERM / Ctrl-C.")
public final class EnvServerCommand implements Callable<Integer> {

    @Option(names = "--env", required = true, description = "built-in or plug-in environment id")
    String env;

    @Option(names = "--port", defaultValue = "50051", description = "port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
    int port;

    @Option(names = "--host", description = "address to bind (default: every interface)")
    String host;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        }
        EnvSpec spec = EnvRegistry.spec(env);
        if (spec.kind() == EnvKind.REMOTE) {
            throw new IllegalArgumentException("--env must be a built-in or plug-in id; " + env + " is remote already");
        }
        PrintStream err = System.err;
        DateTimeFormatter clock = DateTimeFormatter.ofPattern("HH:mm:ss");
        DmEnvRpcServer server;
        try {
            server = DmEnvRpcServer.start(spec, host, port, line -> err.println("env-server " + LocalTime.now().format(clock)
                    + " " + line));
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot listen on " + (host == null ? "" : host) + ":" + port + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()), e);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "env-server-shutdown"));
        System.out.println("env-server: serving " + env + " (" + spec.kind().name().toLowerCase(java.util.Locale.ROOT)
                .replace('_', '-') + ") over dm_env_rpc on port " + server.port() + " (dm-env-rpc://localhost:"
                + server.port() + ")");
        System.out.flush();
        stopped.await();
        return 0;
    }
}
