package io.github.imitation.eval;

import java.util.List;
import java.util.Map;

/**
 * Published numbers this project measures itself against: Ho &amp; Ermon 2016 ("Generative Adversarial
 * Imitation Learning"), Table 1, classic-control block (mean ± std of the learned policies' returns,
 * with 1, 4, 7 and 10 expert trajectories). Their tasks were the gym versions of the time: CartPole with
 * a 200-step limit (CartPole-v0 here), Acrobot and MountainCar with 200-step limits (Acrobot-v1 here
 * has 500).
 */
public final class PublishedResults {

    /** One table cell. */
    public record Cell(double mean, double std) {
    }

    /** The trajectory counts of the table's columns. */
    public static final List<Integer> TRAJECTORIES = List.of(1, 4, 7, 10);

    /** Subsampling the paper applied to expert trajectories: every 10th pair for CartPole, 5th otherwise. */
    public static int paperSubsampling(String envId) {
        return envId.startsWith("CartPole") ? 10 : 5;
    }

    private static final Map<String, Cell> EXPERT = Map.of(
            "CartPole", new Cell(200.00, 0.00),
            "Acrobot", new Cell(-75.25, 10.94),
            "MountainCar", new Cell(-98.75, 8.71));

    private static final Map<String, List<Cell>> BC = Map.of(
            "CartPole", List.of(new Cell(72.02, 35.82), new Cell(169.18, 59.81), new Cell(188.60, 29.61), new Cell(177.19, 52.83)),
            "Acrobot", List.of(new Cell(-130.60, 55.08), new Cell(-93.20, 35.58), new Cell(-96.92, 34.51), new Cell(-95.09, 33.33)),
            "MountainCar", List.of(new Cell(-136.76, 34.44), new Cell(-133.25, 29.97), new Cell(-127.34, 29.09), new Cell(-123.14, 28.26)));

    private static final Map<String, List<Cell>> GAIL = Map.of(
            "CartPole", List.of(new Cell(200.00, 0.00), new Cell(200.00, 0.00), new Cell(200.00, 0.00), new Cell(200.00, 0.00)),
            "Acrobot", List.of(new Cell(-77.26, 18.03), new Cell(-83.12, 23.31), new Cell(-82.56, 20.95), new Cell(-78.91, 15.76)),
            "MountainCar", List.of(new Cell(-101.55, 10.32), new Cell(-101.35, 10.63), new Cell(-99.90, 7.97), new Cell(-100.83, 11.40)));

    private PublishedResults() {
    }

    /** The paper's task name for an env id ("CartPole-v1" → "CartPole"), or null if the paper has no row. */
    public static String task(String envId) {
        String task = envId.substring(0, envId.indexOf('-') < 0 ? envId.length() : envId.indexOf('-'));
        return EXPERT.containsKey(task) ? task : null;
    }

    public static Cell expert(String envId) {
        return EXPERT.get(task(envId));
    }

    /** The paper's BC cell for {@code trajectories} (1, 4, 7 or 10), or null. */
    public static Cell bc(String envId, int trajectories) {
        return cell(BC, envId, trajectories);
    }

    /** The paper's GAIL cell for {@code trajectories} (1, 4, 7 or 10), or null. */
    public static Cell gail(String envId, int trajectories) {
        return cell(GAIL, envId, trajectories);
    }

    private static Cell cell(Map<String, List<Cell>> table, String envId, int trajectories) {
        String task = task(envId);
        int column = TRAJECTORIES.indexOf(trajectories);
        return task == null || column < 0 ? null : table.get(task).get(column);
    }
}
