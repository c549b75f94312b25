package io.github.imitation.examples.envplugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.env.Box;
import io.github.imitation.env.Discrete;
import io.github.imitation.env.Env;
import io.github.imitation.env.EnvKind;
import io.github.imitation.env.EnvProvider;
import io.github.imitation.env.EnvSpec;
import io.github.imitation.env.TimeLimit;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The provider as the service loader sees it (the jar itself is tested by {@link ThermostatPluginIT}). */
class ThermostatProviderTest {

    @Test
    void theServiceLoaderFindsTheProvider() {
        List<EnvProvider> providers = ServiceLoader.load(EnvProvider.class).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p instanceof ThermostatProvider).toList();
        assertEquals(1, providers.size(), "META-INF/services/" + EnvProvider.class.getName() + " should list it once");
    }

    @Test
    void theProviderOffersThermostatV0() {
        List<EnvSpec> specs = new ThermostatProvider().environments();
        assertEquals(1, specs.size());
        EnvSpec spec = specs.get(0);
        assertEquals("Thermostat-v0", spec.id());
        assertEquals(288, spec.maxEpisodeSteps());
        assertEquals(Thermostat.REWARD_THRESHOLD, spec.rewardThreshold());
        assertEquals(EnvKind.PLUGIN, spec.kind());
        assertEquals(Box.symmetric(40f, 40f, 1f, 1f), spec.observationSpace());
        assertEquals(new Discrete(3), spec.actionSpace());

        Env env = spec.make();
        assertInstanceOf(TimeLimit.class, env);
        assertInstanceOf(Thermostat.class, env.unwrapped());
        assertEquals("Thermostat-v0", env.id());
        assertTrue(env.reset(0L).observation().length == 4);
    }
}
