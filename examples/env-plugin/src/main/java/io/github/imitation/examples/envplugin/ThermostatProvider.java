package io.github.imitation.examples.envplugin;

import io.github.imitation.env.EnvProvider;
import io.github.imitation.env.EnvSpec;
import java.util.List;

/**
 * The plug-in's entry point: the service that {@code META-INF/services/io.github.imitation.env.EnvProvider}
 * names. It needs a public no-argument constructor (the implicit one here) and returns one spec per id.
 */
public final class ThermostatProvider implements EnvProvider {

    @Override
    public List<EnvSpec> environments() {
        return List.of(new EnvSpec(Thermostat.ID, Thermostat.EPISODE_STEPS, Thermostat.REWARD_THRESHOLD, Thermostat::new));
    }
}
