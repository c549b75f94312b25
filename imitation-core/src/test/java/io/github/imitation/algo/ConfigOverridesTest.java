package io.github.imitation.algo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.imitation.algo.adversarial.AdversarialConfig;
import io.github.imitation.algo.adversarial.AdversarialDefaults;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigOverridesTest {

    private static final AdversarialConfig GAIL = AdversarialDefaults.forEnv("MountainCar-v0", AdversarialConfig.Kind.GAIL);

    @Test
    void setsOwnAndNestedFieldsAndLeavesTheRest() {
        AdversarialConfig changed = ConfigOverrides.apply(GAIL,
                ConfigOverrides.parse(java.util.List.of("discriminatorSteps=3", "ppo.numMinibatches=4", "ppo.gamma=0.95")));
        assertEquals(3, changed.discriminatorSteps());
        assertEquals(4, changed.ppo().numMinibatches());
        assertEquals(0.95, changed.ppo().gamma());
        assertEquals(GAIL.ppo().numEnvs(), changed.ppo().numEnvs());
        assertEquals(GAIL.learningRate(), changed.learningRate());
    }

    @Test
    void unknownNestedNamesAreErrorsThatListTheFields() {
        var notNested = assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(GAIL, Map.of("learningRate.x", "1")));
        assertTrue(notNested.getMessage().contains("names no nested config"), notNested.getMessage());
        var unknownInner = assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(GAIL, Map.of("ppo.numMinibatch", "4")));
        assertTrue(unknownInner.getMessage().contains("numMinibatches"), unknownInner.getMessage());
        var invalid = assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(GAIL, Map.of("ppo.gamma", "2")));
        assertTrue(invalid.getMessage().contains("gamma"), invalid.getMessage());
    }
}
