package io.github.imitation.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrajectoryTest {

    static Trajectory cartPole(int length) {
        float[][] obs = new float[length + 1][4];
        int[] acts = new int[length];
        double[] rews = new double[length];
        for (int t = 0; t <= length; t++) {
            for (int j = 0; j < 4; j++) {
                obs[t][j] = 0.01f * (t + 1) * (j + 1);
            }
        }
        for (int t = 0; t < length; t++) {
            acts[t] = t % 2;
            rews[t] = 1.0;
        }
        return new Trajectory("CartPole-v1", obs, new DiscreteActions(acts), rews, true);
    }

    @Test
    void holdsDefensiveCopies() {
        float[][] obs = {{1f, 2f}, {3f, 4f}};
        int[] indices = {1};
        double[] rews = {-1.5};
        ObjectNode info = JsonNodeFactory.instance.objectNode().put("k", 1);
        List<ObjectNode> infos = new ArrayList<>(List.of(info));
        Trajectory trajectory = new Trajectory("MountainCar-v0", obs, new DiscreteActions(indices), rews, false, infos);

        obs[0][0] = 99f;
        indices[0] = 2;
        rews[0] = 99.0;
        info.put("k", 2);
        infos.clear();
        assertEquals(1f, trajectory.observation(0)[0]);
        assertEquals(1, ((DiscreteActions) trajectory.acts()).get(0));
        assertEquals(-1.5, trajectory.reward(0));
        assertEquals(1, trajectory.infos().get(0).get("k").intValue());

        trajectory.obs()[1][1] = 99f;
        trajectory.rews()[0] = 99.0;
        trajectory.infos().get(0).put("k", 3);
        ((DiscreteActions) trajectory.acts()).indices()[0] = 7;
        assertEquals(4f, trajectory.observation(1)[1]);
        assertEquals(-1.5, trajectory.reward(0));
        assertEquals(1, trajectory.infos().get(0).get("k").intValue());
        assertEquals(1, ((DiscreteActions) trajectory.acts()).get(0));
        assertThrows(UnsupportedOperationException.class, () -> trajectory.infos().add(info));
    }

    @Test
    void lengthReturnAndEquality() {
        Trajectory trajectory = cartPole(7);
        assertEquals(7, trajectory.length());
        assertEquals(8, trajectory.observationCount());
        assertEquals(7.0, trajectory.returnSum());
        assertEquals(cartPole(7), trajectory);
        assertEquals(cartPole(7).hashCode(), trajectory.hashCode());
        assertNotEquals(cartPole(6), trajectory);
        assertFalse(trajectory.hasInfos());
        assertNull(trajectory.infos());
        assertEquals("Trajectory[env=CartPole-v1, length=7, return=7.0, terminal=true, infos=absent]", trajectory.toString());
    }

    @Test
    void equalityIsBitExact() {
        Trajectory positiveZero = new Trajectory("Pendulum-v1", new float[][] {{0f, 0f, 0f}, {0f, 0f, 0f}},
                new BoxActions(new float[][] {{0f}}), new double[] {0.0}, false);
        Trajectory negativeZero = new Trajectory("Pendulum-v1", new float[][] {{0f, 0f, 0f}, {0f, 0f, 0f}},
                new BoxActions(new float[][] {{-0f}}), new double[] {0.0}, false);
        assertNotEquals(positiveZero, negativeZero);
    }

    @Test
    void boxActionsLayout() {
        BoxActions actions = BoxActions.fromRowMajor(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2);
        assertEquals(3, actions.length());
        assertArrayEquals(new float[] {3f, 4f}, actions.get(1));
        assertArrayEquals(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, actions.toRowMajor());
        assertEquals(BoxActions.fromRowMajor(new float[] {3f, 4f}, 2), actions.slice(1, 2));
        assertThrows(IllegalArgumentException.class, () -> BoxActions.fromRowMajor(new float[3], 2));
    }

    @Test
    void nullPartsAreRejected() {
        assertThrows(NullPointerException.class,
                () -> new Trajectory(null, new float[1][1], new DiscreteActions(new int[0]), new double[0], true));
        assertThrows(IllegalArgumentException.class,
                () -> new Trajectory("CartPole-v1", new float[][] {null}, new DiscreteActions(new int[0]), new double[0], true));
        List<ObjectNode> infos = new ArrayList<>();
        infos.add(null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Trajectory("CartPole-v1",
                new float[2][4], new DiscreteActions(new int[1]), new double[1], true, infos));
        assertTrue(e.getMessage().contains("info 0 is null"));
    }
}
