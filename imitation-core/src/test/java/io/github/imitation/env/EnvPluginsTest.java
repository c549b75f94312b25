package io.github.imitation.env;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plug-in paths that cannot work are clear errors naming the jar and the cause (the working case: examples/env-plugin). */
class EnvPluginsTest {

    @TempDir
    Path dir;

    private Path jar(String name, String services) throws IOException {
        Path jar = dir.resolve(name);
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            if (services != null) {
                out.putNextEntry(new JarEntry("META-INF/services/" + EnvProvider.class.getName()));
                out.write(services.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return jar;
    }

    private static String failure(String path) {
        EnvPlugins.Loaded loaded = EnvPlugins.load(path, EnvRegistry.builtInIds().stream().collect(
                java.util.stream.Collectors.toSet()));
        assertNotNull(loaded.failure(), "expected a failure for " + path);
        return loaded.failure().getMessage();
    }

    @Test
    void aMissingJarIsNamed() {
        String message = failure(dir.resolve("nope.jar").toString());
        assertTrue(message.contains("IMITATION_ENV_PATH names") && message.contains("nope.jar")
                && message.contains("does not exist"), message);
    }

    @Test
    void aProviderClassThatIsNotThereFailsToLoad() throws IOException {
        Path jar = jar("broken.jar", "com.example.MissingProvider\n");
        String message = failure(jar.toString());
        assertTrue(message.contains("failed to load") && message.contains("broken.jar")
                && message.contains("com.example.MissingProvider"), message);
    }

    @Test
    void aJarWithoutProvidersSaysWhatAPluginNeeds() throws IOException {
        Path jar = jar("empty.jar", null);
        String message = failure(jar.toString());
        assertTrue(message.contains("no env plug-in found") && message.contains("META-INF/services/"
                + EnvProvider.class.getName()), message);
    }

    @Test
    void aDirectoryWithoutJarsIsNamed() throws IOException {
        Path empty = Files.createDirectory(dir.resolve("plugins"));
        try (OutputStream ignored = Files.newOutputStream(empty.resolve("README.txt"))) {
            String message = failure(empty.toString());
            assertTrue(message.contains("holds no .jar file"), message);
        }
    }

    @Test
    void noPathMeansNoPluginsAndNoFailure() {
        EnvPlugins.Loaded loaded = EnvPlugins.load("", java.util.Set.of());
        assertNull(loaded.failure());
        assertTrue(loaded.specs().isEmpty());
    }
}
