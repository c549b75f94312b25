package io.github.imitation.examples.envplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvKind;
import io.github.imitation.env.EnvPlugins;
import io.github.imitation.env.EnvProvider;
import io.github.imitation.env.EnvRegistry;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.VectorEnv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged jar as a plug-in, found the way the CLI and the services find it: Failsafe sets
 * {@code imitation.env.path} to {@code target/imitation-example-env-plugin-*.jar} (the system property
 * stands in for {@code IMITATION_ENV_PATH}) and keeps this module's classes off the class path, so the env
 * can only come from the jar. Runs after {@code package}: {@code mvn verify} or {@code mvn install}.
 */
class ThermostatPluginIT {

    private static final String ID = "Thermostat-v0";

    @Test
    void thePluginPathNamesThePackagedJar() throws IOException {
        String path = System.getProperty(EnvPlugins.PATH_PROPERTY);
        assertNotNull(path, EnvPlugins.PATH_PROPERTY + " is set by the failsafe configuration in pom.xml");
        Path jar = Path.of(path);
        assertTrue(Files.isRegularFile(jar) && jar.toString().endsWith(".jar"), path);
        try (JarFile file = new JarFile(jar.toFile())) {
            assertNotNull(file.getEntry("META-INF/services/" + EnvProvider.class.getName()));
            assertNotNull(file.getEntry("io/github/imitation/examples/envplugin/Thermostat.class"));
        }
    }

    @Test
    void thePluginClassesAreNotOnTheTestClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName(
                "io.github.imitation.examples.envplugin.Thermostat", false, getClass().getClassLoader()));
    }

    @Test
    void theRegistryKnowsThermostatAsAPlugin() {
        EnvSpec spec = EnvRegistry.spec(ID);
        assertEquals(EnvKind.PLUGIN, spec.kind());
        assertEquals(288, spec.maxEpisodeSteps());
        assertEquals(-40.0, spec.rewardThreshold());
        assertEquals(Box.symmetric(40f, 40f, 1f, 1f), spec.observationSpace());
        assertEquals(new Discrete(3), spec.actionSpace());
        assertFalse(EnvRegistry.isBuiltIn(ID));
        assertTrue(EnvRegistry.ids().contains(ID), EnvRegistry.ids().toString());
        String described = EnvRegistry.describePlugins();
        assertTrue(described.contains(ID) && described.contains("imitation-example-env-plugin"), described);
    }

    @Test
    void makeStepsTheEnvFromTheJar() {
        try (Env env = EnvRegistry.make(ID)) {
            assertEquals(ID, env.id());
            Class<?> type = env.unwrapped().getClass();
            assertEquals("io.github.imitation.examples.envplugin.Thermostat", type.getName());
            assertEquals("imitation-env-plugins", type.getClassLoader().getName(), "loaded by EnvPlugins' class loader");
            // The same episode, to the last bit, as the class tested directly in ThermostatTest.
            assertEquals(Controllers.BANG_BANG_RETURN_SEED_0, Controllers.episodeReturn(env, 0L, Controllers.BANG_BANG), 0.0);
            assertTrue(env.truncated(), "the episode ends by the 288-step time limit");
        }
    }

    @Test
    void aVectorEnvOfThePluginSteps() {
        try (VectorEnv envs = VectorEnv.make(ID, 4)) {
            envs.reset(0L);
            assertEquals(16, envs.observations().length);
            for (int t = 0; t < 288; t++) {
                envs.step(new int[] {0, 1, 2, t % 3});
            }
            for (int i = 0; i < 4; i++) {
                assertTrue(envs.truncated()[i] && !envs.terminated()[i], "sub-env " + i + " truncated at step 288");
            }
        }
    }
}
