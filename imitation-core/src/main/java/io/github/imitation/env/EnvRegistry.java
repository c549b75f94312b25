package io.github.imitation.env;

import io.github.imitation.env.classic.Acrobot;
import io.github.imitation.env.classic.CartPole;
import io.github.imitation.env.classic.MountainCar;
import io.github.imitation.env.classic.MountainCarContinuous;
import io.github.imitation.env.classic.Pendulum;
import io.github.imitation.env.remote.RemoteEnvs;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every environment that can be named by an id, of the three kinds (see {@link EnvKind}):
 * <ul>
 *   <li>the built-in classic-control tasks, with Gymnasium 1.x's time limits and reward thresholds;</li>
 *   <li>plug-ins from the jars of {@value EnvPlugins#PATH_VARIABLE} ({@link EnvPlugins}), loaded on the
 *       first lookup of an id that is not built in;</li>
 *   <li>remote envs, named by a URI {@code dm-env-rpc://HOST:PORT[?options]} ({@link RemoteEnvs}).</li>
 * </ul>
 * Everything above this class asks it for an id's {@link EnvSpec} and never learns which kind it got.
 */
public final class EnvRegistry {

    private static final Map<String, EnvSpec> BUILT_IN = register(
            new EnvSpec("CartPole-v0", 200, 195.0, CartPole::new),
            new EnvSpec("CartPole-v1", 500, 475.0, CartPole::new),
            new EnvSpec("Acrobot-v1", 500, -100.0, Acrobot::new),
            new EnvSpec("MountainCar-v0", 200, -110.0, MountainCar::new),
            new EnvSpec("MountainCarContinuous-v0", 999, 90.0, MountainCarContinuous::new),
            new EnvSpec("Pendulum-v1", 200, Double.NaN, Pendulum::new));

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(EnvRegistry.class.getName());
    private static volatile EnvPlugins.Loaded plugins;
    private static final Map<String, EnvSpec> REMOTE = new ConcurrentHashMap<>();

    private EnvRegistry() {
    }

    private static Map<String, EnvSpec> register(EnvSpec... specs) {
        Map<String, EnvSpec> byId = new LinkedHashMap<>();
        for (EnvSpec spec : specs) {
            byId.put(spec.id(), spec.withKind(EnvKind.BUILT_IN));
        }
        return Collections.unmodifiableMap(byId);
    }

    private static EnvPlugins.Loaded plugins() {
        EnvPlugins.Loaded loaded = plugins;
        if (loaded == null) {
            synchronized (EnvRegistry.class) {
                loaded = plugins;
                if (loaded == null) {
                    loaded = EnvPlugins.load(EnvPlugins.configuredPath(), BUILT_IN.keySet());
                    plugins = loaded;
                    if (loaded.failure() != null) {
                        LOG.warning(describePlugins());
                    } else if (!loaded.jars().isEmpty()) {
                        LOG.info(describePlugins());
                    }
                }
            }
        }
        return loaded;
    }

    /**
     * The spec of {@code id}: a built-in id, a plug-in id or a {@code dm-env-rpc://} URI. An unknown id is
     * an {@link UnknownEnvException} naming the known ids; when the plug-in path failed to load, an
     * {@link EnvPluginException} saying why; a malformed URI an {@link IllegalArgumentException}.
     */
    public static EnvSpec spec(String id) {
        if (id == null) {
            throw new IllegalArgumentException("an environment id is required; known ids: " + String.join(", ", ids()));
        }
        EnvSpec spec = BUILT_IN.get(id);
        if (spec != null) {
            return spec;
        }
        if (RemoteEnvs.isRemote(id)) {
            return REMOTE.computeIfAbsent(id, RemoteEnvs::spec);
        }
        EnvPlugins.Loaded loaded = plugins();
        spec = loaded.specs().get(id);
        if (spec != null) {
            return spec;
        }
        if (loaded.failure() != null) {
            throw new EnvPluginException("unknown environment id '" + id + "', and the env plug-ins could not be "
                    + "loaded: " + loaded.failure().getMessage(), loaded.failure());
        }
        throw new UnknownEnvException(id, ids());
    }

    /** Whether {@code id} names a built-in env (one of Gymnasium's classic-control tasks). */
    public static boolean isBuiltIn(String id) {
        return BUILT_IN.containsKey(id);
    }

    /** Gymnasium's {@code make(id)}: the env wrapped in its time limit. */
    public static Env make(String id) {
        return spec(id).make();
    }

    /** Gymnasium's {@code make(id).unwrapped}: no time limit. */
    public static Env makeUnwrapped(String id) {
        return spec(id).makeUnwrapped();
    }

    /** The built-in specs, in registration order. */
    public static Collection<EnvSpec> specs() {
        return BUILT_IN.values();
    }

    /** The built-in ids, in registration order. */
    public static Collection<String> builtInIds() {
        return BUILT_IN.keySet();
    }

    /** The ids that can be named without a URI: the built-in ones, then the plug-ins'. */
    public static Collection<String> ids() {
        List<String> ids = new ArrayList<>(BUILT_IN.keySet());
        ids.addAll(plugins().specs().keySet());
        return Collections.unmodifiableList(ids);
    }

    /**
     * One line for logs: the plug-ins this process found (ids and jars), that there are none, or why
     * they failed to load. Services print it at start-up.
     */
    public static String describePlugins() {
        EnvPlugins.Loaded loaded = plugins();
        if (loaded.failure() != null) {
            return "env plug-ins: FAILED to load (" + loaded.failure().getMessage() + ")";
        }
        if (loaded.jars().isEmpty()) {
            return "env plug-ins: none (" + EnvPlugins.PATH_VARIABLE + " is not set)";
        }
        return "env plug-ins: " + String.join(", ", loaded.specs().keySet()) + " from " + loaded.jars();
    }

    /** Forgets the loaded plug-ins so the next lookup reads the path again (tests). */
    static synchronized void reloadPlugins() {
        plugins = null;
    }
}
