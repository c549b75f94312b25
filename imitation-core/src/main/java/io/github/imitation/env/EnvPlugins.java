package io.github.imitation.env;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Finds environment plug-ins: jars named by the plug-in path, each listing {@link EnvProvider}s in
 * {@code META-INF/services/io.github.imitation.env.EnvProvider}.
 *
 * <p>The path is the system property {@value #PATH_PROPERTY} if set, else the environment variable
 * {@value #PATH_VARIABLE}: entries separated by {@code File.pathSeparator} ({@code :} on Linux), each a
 * jar or a directory whose {@code *.jar} files are all taken. The jars share one class loader (a
 * plug-in may ship its libraries as further jars in the same directory) whose parent is this library's.
 * Loading happens once per process, on the first lookup of an id that is not built in.
 */
public final class EnvPlugins {

    public static final String PATH_VARIABLE = "IMITATION_ENV_PATH";
    public static final String PATH_PROPERTY = "imitation.env.path";

    /** What a plug-in path held: its specs by id, the jars read, or why loading failed. */
    record Loaded(Map<String, EnvSpec> specs, List<Path> jars, EnvPluginException failure) {
    }

    private EnvPlugins() {
    }

    /** The plug-in path of this process, or an empty string. */
    public static String configuredPath() {
        String property = System.getProperty(PATH_PROPERTY);
        if (property != null) {
            return property;
        }
        String variable = System.getenv(PATH_VARIABLE);
        return variable == null ? "" : variable;
    }

    static Loaded load(String path, Set<String> builtInIds) {
        if (path == null || path.isBlank()) {
            return new Loaded(Map.of(), List.of(), null);
        }
        List<Path> jars = new ArrayList<>();
        try {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    jars.addAll(jarsOf(Path.of(entry.trim())));
                }
            }
            return new Loaded(providersOf(jars, builtInIds), List.copyOf(jars), null);
        } catch (EnvPluginException e) {
            return new Loaded(Map.of(), List.copyOf(jars), e);
        }
    }

    private static List<Path> jarsOf(Path entry) {
        if (!Files.exists(entry)) {
            throw failure(PATH_VARIABLE + " names " + entry.toAbsolutePath() + ", which does not exist", null);
        }
        if (!Files.isDirectory(entry)) {
            return List.of(entry);
        }
        try (Stream<Path> files = Files.list(entry)) {
            List<Path> jars = files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
            if (jars.isEmpty()) {
                throw failure(PATH_VARIABLE + " names the directory " + entry.toAbsolutePath()
                        + ", which holds no .jar file", null);
            }
            return jars;
        } catch (IOException e) {
            throw failure("cannot list the plug-in directory " + entry.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    private static Map<String, EnvSpec> providersOf(List<Path> jars, Set<String> builtInIds) {
        URL[] urls = new URL[jars.size()];
        for (int i = 0; i < urls.length; i++) {
            Path jar = jars.get(i);
            if (!Files.isReadable(jar)) {
                throw failure("the plug-in jar " + jar.toAbsolutePath() + " cannot be read", null);
            }
            try {
                urls[i] = jar.toUri().toURL();
            } catch (MalformedURLException e) {
                throw failure("the plug-in path entry " + jar + " is not a valid file name", e);
            }
        }
        String where = jars.stream().map(p -> p.toAbsolutePath().toString()).reduce((a, b) -> a + ", " + b).orElse("");
        ClassLoader loader = new URLClassLoader("imitation-env-plugins", urls, EnvProvider.class.getClassLoader());
        Map<String, EnvSpec> specs = new LinkedHashMap<>();
        Map<String, String> origin = new LinkedHashMap<>();
        int providers = 0;
        try {
            for (EnvProvider provider : ServiceLoader.load(EnvProvider.class, loader)) {
                providers++;
                String name = provider.getClass().getName();
                List<EnvSpec> offered;
                try {
                    offered = provider.environments();
                } catch (RuntimeException | LinkageError e) {
                    throw failure("the env plug-in " + name + " (from " + where + ") failed in environments(): " + e, e);
                }
                for (EnvSpec spec : offered == null ? List.<EnvSpec>of() : offered) {
                    if (builtInIds.contains(spec.id())) {
                        throw failure("the env plug-in " + name + " offers " + spec.id()
                                + ", which is a built-in id; plug-in ids must be new", null);
                    }
                    if (specs.containsKey(spec.id())) {
                        throw failure("two env plug-ins offer " + spec.id() + ": " + origin.get(spec.id()) + " and " + name,
                                null);
                    }
                    specs.put(spec.id(), spec.withKind(EnvKind.PLUGIN));
                    origin.put(spec.id(), name);
                }
            }
        } catch (ServiceConfigurationError | LinkageError e) {
            throw failure("an env plug-in from " + where + " failed to load: " + e.getMessage()
                    + (e.getCause() != null ? " (" + e.getCause() + ")" : ""), e);
        }
        if (providers == 0) {
            throw failure("no env plug-in found in " + where + ": a plug-in jar lists its provider in "
                    + "META-INF/services/" + EnvProvider.class.getName(), null);
        }
        return Collections.unmodifiableMap(specs);
    }

    private static EnvPluginException failure(String message, Throwable cause) {
        return new EnvPluginException(message, cause);
    }
}
