package io.github.imitation.env;

import io.github.imitation.env.classic.Acrobot;
import io.github.imitation.env.classic.CartPole;
import io.github.imitation.env.classic.MountainCar;
import io.github.imitation.env.classic.MountainCarContinuous;
import io.github.imitation.env.classic.Pendulum;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** The registered environments, with Gymnasium 1.x's time limits and reward thresholds. */
public final class EnvRegistry {

    private static final Map<String, EnvSpec> SPECS = register(
            new EnvSpec("CartPole-v0", 200, 195.0, CartPole::new),
            new EnvSpec("CartPole-v1", 500, 475.0, CartPole::new),
            new EnvSpec("Acrobot-v1", 500, -100.0, Acrobot::new),
            new EnvSpec("MountainCar-v0", 200, -110.0, MountainCar::new),
            new EnvSpec("MountainCarContinuous-v0", 999, 90.0, MountainCarContinuous::new),
            new EnvSpec("Pendulum-v1", 200, Double.NaN, Pendulum::new));

    private EnvRegistry() {
    }

    private static Map<String, EnvSpec> register(EnvSpec... specs) {
        Map<String, EnvSpec> byId = new LinkedHashMap<>();
        for (EnvSpec spec : specs) {
            byId.put(spec.id(), spec);
        }
        return java.util.Collections.unmodifiableMap(byId);
    }

    /** The spec of {@code id}, or {@link UnknownEnvException} naming the known ids. */
    public static EnvSpec spec(String id) {
        EnvSpec spec = SPECS.get(id);
        if (spec == null) {
            throw new UnknownEnvException(id, SPECS.keySet());
        }
        return spec;
    }

    /** Gymnasium's {@code make(id)}: the env wrapped in its time limit. */
    public static Env make(String id) {
        return spec(id).make();
    }

    /** Gymnasium's {@code make(id).unwrapped}: no time limit. */
    public static Env makeUnwrapped(String id) {
        return spec(id).makeUnwrapped();
    }

    /** All specs in registration order. */
    public static Collection<EnvSpec> specs() {
        return SPECS.values();
    }

    /** All ids in registration order. */
    public static Collection<String> ids() {
        return SPECS.keySet();
    }
}
