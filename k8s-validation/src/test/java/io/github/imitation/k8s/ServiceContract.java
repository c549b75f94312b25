package io.github.imitation.k8s;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a service reads from its configuration, from its {@code src/main/resources/application.properties}
 * (the source of truth): its HTTP port, its configuration keys, and per Kafka channel the topic, the
 * direction and the consumer group. A Quarkus profile (QUARKUS_PROFILE) applies its {@code %profile.}
 * overrides; channels with {@code enabled=false} are dropped.
 */
final class ServiceContract {

    record Channel(String name, boolean incoming, String topic, String group) {
        /** The consumer group as an ACL resource: fixed, or the prefix before {@code ${quarkus.uuid}}. */
        String groupPrefix() {
            int i = group.indexOf("${");
            return i < 0 ? group : group.substring(0, i);
        }

        boolean perInstanceGroup() {
            return group.contains("${");
        }
    }

    final String module;
    final String profile;
    /** Effective properties: the default ones with the profile's overrides applied. */
    final Map<String, String> properties;
    /** Every key the file sets, in any profile, without the profile prefix. */
    final Set<String> keys;
    final Set<String> profiles;
    final Map<String, Channel> channels;

    private ServiceContract(String module, String profile, Map<String, String> properties, Set<String> keys,
            Set<String> profiles, Map<String, Channel> channels) {
        this.module = module;
        this.profile = profile;
        this.properties = properties;
        this.keys = keys;
        this.profiles = profiles;
        this.channels = channels;
    }

    static ServiceContract load(String module, String profile) throws IOException {
        Path file = Rendered.servicesDir().resolve(module).resolve("src/main/resources/application.properties");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no service module " + module + " (" + file + ")");
        }
        Properties raw = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            raw.load(reader);
        }
        Map<String, String> effective = new TreeMap<>();
        Map<String, String> overrides = new TreeMap<>();
        Set<String> keys = new LinkedHashSet<>();
        Set<String> profiles = new LinkedHashSet<>();
        Pattern profiled = Pattern.compile("^%([^.]+)\\.(.+)$");
        for (String key : raw.stringPropertyNames()) {
            Matcher m = profiled.matcher(key);
            if (m.matches()) {
                profiles.add(m.group(1));
                keys.add(m.group(2));
                if (m.group(1).equals(profile)) {
                    overrides.put(m.group(2), raw.getProperty(key));
                }
            } else {
                keys.add(key);
                effective.put(key, raw.getProperty(key));
            }
        }
        effective.putAll(overrides);
        Map<String, Channel> channels = new LinkedHashMap<>();
        Pattern channelTopic = Pattern.compile("^mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.topic$");
        for (Map.Entry<String, String> e : effective.entrySet()) {
            Matcher m = channelTopic.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            String prefix = "mp.messaging." + m.group(1) + "." + m.group(2) + ".";
            if ("false".equals(effective.get(prefix + "enabled"))) {
                continue;
            }
            boolean incoming = m.group(1).equals("incoming");
            String group = incoming ? effective.get(prefix + "group.id") : null;
            if (incoming && group == null) {
                throw new IllegalStateException(module + ": incoming channel " + m.group(2) + " has no group.id");
            }
            channels.put(m.group(1) + ":" + m.group(2), new Channel(m.group(2), incoming, e.getValue(), group));
        }
        return new ServiceContract(module, profile, effective, keys, profiles, channels);
    }

    private static String pluginPathVariable;

    /**
     * The environment variable that names the env plug-in path: the constant {@code PATH_VARIABLE} of
     * imitation-core's {@code EnvPlugins} (which reads it with System.getenv in every service and the CLI), taken
     * from its source as the application.properties are, so that a renamed variable fails here.
     */
    static synchronized String pluginPathVariable() {
        if (pluginPathVariable == null) {
            Path file = Rendered.servicesDir().resolve("imitation-core/src/main/java/io/github/imitation/env/EnvPlugins.java");
            String source;
            try {
                source = Files.readString(file);
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + file + ", which declares the env plug-in path variable", e);
            }
            Matcher m = Pattern.compile("String\\s+PATH_VARIABLE\\s*=\\s*\"([A-Z0-9_]+)\"").matcher(source);
            if (!m.find()) {
                throw new IllegalStateException(file + " declares no PATH_VARIABLE = \"...\"");
            }
            pluginPathVariable = m.group(1);
        }
        return pluginPathVariable;
    }

    int httpPort() {
        return Integer.parseInt(properties.get("quarkus.http.port"));
    }

    /** The environment variable SmallRye Config maps to a property name: non-alphanumerics to _, upper case. */
    static String envName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    /** Whether an environment variable sets a property this service's configuration has. */
    boolean readsEnv(String env) {
        return keys.stream().anyMatch(k -> envName(k).equals(env));
    }
}
