package io.github.imitation.env.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A remote environment's name: {@code dm-env-rpc://HOST:PORT[?batch=auto|off][&timeout=SECONDS]}.
 *
 * <ul>
 *   <li>{@code batch=auto} (default): a vector env of N copies asks the server for one batched world of N
 *       (this project's profile of dm_env_rpc, see {@code docs/environments.md}) and falls back to N
 *       plain worlds, one stream each, stepped concurrently, when the server refuses {@code num_envs};
 *       {@code batch=off} always uses plain worlds.</li>
 *   <li>{@code timeout}: how long one request may take before the env is declared hung (default 30 s);
 *       connecting has the same limit.</li>
 * </ul>
 * The whole string is the env's id: it names the env in run specs, policies and logs.
 */
public record RemoteEnvUri(String id, String host, int port, boolean batched, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public static RemoteEnvUri parse(String id) {
        String form = " (the form is " + RemoteEnvs.SCHEME + "://HOST:PORT[?batch=auto|off][&timeout=SECONDS])";
        URI uri;
        try {
            uri = new URI(id);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("malformed remote env '" + id + "': " + e.getMessage() + form);
        }
        if (!RemoteEnvs.SCHEME.equals(uri.getScheme()) || uri.getHost() == null || uri.getPort() < 0) {
            throw new IllegalArgumentException("malformed remote env '" + id + "': needs a host and a port" + form);
        }
        if (uri.getPort() == 0 || uri.getPort() > 65_535) {
            throw new IllegalArgumentException("malformed remote env '" + id + "': port " + uri.getPort()
                    + " is not a port to connect to" + form);
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
            throw new IllegalArgumentException("malformed remote env '" + id + "': unexpected path '" + uri.getRawPath()
                    + "'" + form);
        }
        Map<String, String> options = new LinkedHashMap<>();
        if (uri.getRawQuery() != null && !uri.getRawQuery().isEmpty()) {
            for (String pair : uri.getRawQuery().split("&")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("malformed remote env '" + id + "': option '" + pair
                            + "' is not NAME=VALUE" + form);
                }
                options.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        boolean batched = true;
        Duration timeout = DEFAULT_TIMEOUT;
        for (Map.Entry<String, String> option : options.entrySet()) {
            switch (option.getKey()) {
                case "batch" -> batched = switch (option.getValue()) {
                    case "auto" -> true;
                    case "off" -> false;
                    default -> throw new IllegalArgumentException("malformed remote env '" + id + "': batch must be "
                            + "auto or off, got '" + option.getValue() + "'");
                };
                case "timeout" -> {
                    double seconds;
                    try {
                        seconds = Double.parseDouble(option.getValue());
                    } catch (NumberFormatException e) {
                        seconds = Double.NaN;
                    }
                    if (!(seconds > 0) || seconds > 86_400) {
                        throw new IllegalArgumentException("malformed remote env '" + id + "': timeout must be a "
                                + "number of seconds in (0, 86400], got '" + option.getValue() + "'");
                    }
                    timeout = Duration.ofNanos((long) (seconds * 1e9));
                }
                default -> throw new IllegalArgumentException("malformed remote env '" + id + "': unknown option '"
                        + option.getKey() + "'" + form);
            }
        }
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1) : uri.getHost();
        return new RemoteEnvUri(id, host, uri.getPort(), batched, timeout);
    }

    /** {@code HOST:PORT}, for messages. */
    public String address() {
        return host + ":" + port;
    }
}
