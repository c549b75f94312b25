package io.github.imitation.algo.adversarial;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.imitation.algo.ConfigOverrides;
import io.github.imitation.algo.ppo.PpoDefaults;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdversarialConfigTest {

    @Test
    void discriminatorStepsGrowWithTheExpertDataUpToTheCap() {
        AdversarialConfig mountainCar = AdversarialDefaults.forEnv("MountainCar-v0", AdversarialConfig.Kind.GAIL);
        assertEquals(1, mountainCar.discriminatorStepsFor(1));
        assertEquals(1, mountainCar.discriminatorStepsFor(20)); // one subsampled trajectory
        assertEquals(1, mountainCar.discriminatorStepsFor(50));
        assertEquals(2, mountainCar.discriminatorStepsFor(51));
        assertEquals(4, mountainCar.discriminatorStepsFor(198)); // ten
        assertEquals(4, mountainCar.discriminatorStepsFor(10_000));
    }

    @Test
    void withoutScalingTheStepsAreFixed() {
        AdversarialConfig cartPole = AdversarialDefaults.forEnv("CartPole-v1", AdversarialConfig.Kind.GAIL);
        assertEquals(0, cartPole.expertPairsPerStep());
        assertEquals(cartPole.discriminatorSteps(), cartPole.discriminatorStepsFor(3));
        assertEquals(cartPole.discriminatorSteps(), cartPole.discriminatorStepsFor(5_000));
        AdversarialConfig none = ConfigOverrides.apply(cartPole, Map.of("discriminatorSteps", "0", "expertPairsPerStep", "10"));
        assertEquals(0, none.discriminatorStepsFor(500));
        assertThrows(IllegalArgumentException.class,
                () -> ConfigOverrides.apply(cartPole, Map.of("expertPairsPerStep", "-1")));
    }

    @Test
    void mountainCarGailUsesTheSignedRewardAndTheOthersThePapers() {
        assertEquals(AdversarialConfig.RewardForm.LOGIT,
                AdversarialDefaults.forEnv("MountainCar-v0", AdversarialConfig.Kind.GAIL).rewardForm());
        for (String env : new String[] {"CartPole-v0", "CartPole-v1", "Acrobot-v1", "Pendulum-v1"}) {
            assertEquals(AdversarialConfig.RewardForm.SOFTPLUS, AdversarialDefaults.forEnv(env, AdversarialConfig.Kind.GAIL).rewardForm(), env);
        }
        AdversarialConfig overridden = ConfigOverrides.apply(
                AdversarialDefaults.forEnv("MountainCar-v0", AdversarialConfig.Kind.GAIL), Map.of("rewardForm", "SOFTPLUS"));
        assertEquals(AdversarialConfig.RewardForm.SOFTPLUS, overridden.rewardForm());
    }

    @Test
    void acrobotGailHasTheWideGeneratorAndEverythingElseTheEnvsPpoNetwork() {
        assertArrayEquals(new int[] {256, 256},
                AdversarialDefaults.forEnv("Acrobot-v1", AdversarialConfig.Kind.GAIL).ppo().hiddenSizes());
        for (String env : new String[] {"CartPole-v0", "CartPole-v1", "Acrobot-v1", "MountainCar-v0", "Pendulum-v1"}) {
            for (AdversarialConfig.Kind kind : AdversarialConfig.Kind.values()) {
                if (env.equals("Acrobot-v1") && kind == AdversarialConfig.Kind.GAIL) {
                    continue;
                }
                assertArrayEquals(PpoDefaults.forEnv(env).hiddenSizes(), AdversarialDefaults.forEnv(env, kind).ppo().hiddenSizes(),
                        env + " " + kind);
            }
        }
        AdversarialConfig overridden = ConfigOverrides.apply(
                AdversarialDefaults.forEnv("Acrobot-v1", AdversarialConfig.Kind.GAIL), Map.of("ppo.hiddenSizes", "64,64"));
        assertArrayEquals(new int[] {64, 64}, overridden.ppo().hiddenSizes());
    }
}
