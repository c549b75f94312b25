package io.github.imitation.cli.experiments;

import io.github.imitation.cli.Json;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.experiments.GailTableCommand.Run;
import io.github.imitation.cli.experiments.GailTableCommand.RunResult;
import io.github.imitation.cli.run.LearningCurvePlot;
import io.github.imitation.eval.PublishedResults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/** The files of {@code experiments gail-table}: results.json, table.md and two plots per env. */
final class GailTableReport {

    private GailTableReport() {
    }

    /**
     * One table cell over its seeds.
     *
     * @param seedMeans  each seed's mean evaluation return, in seed order
     * @param mean       mean of {@code seedMeans} (every seed has the same number of episodes)
     * @param std        population std of {@code seedMeans}: the spread across seeds
     * @param episodeStd population std of all the seeds' evaluation episodes together (the paper's ± is over episodes)
     * @param envSteps   env steps of one seed's training (mean over seeds); 0 for BC and random
     * @param wallSeconds wall time of all the cell's seeds together (training and evaluation)
     * @param paper      the paper's cell, where the paper has one for this env
     * @param meetsPaper GAIL: mean ≥ paper mean − paper std; BC: mean ≥ paper mean; null otherwise
     * @param level      the expert's level for "env steps to expert level" (learners; null for expert and random)
     * @param stepsToLevel per seed, the env steps of the first evaluation during training at or above {@code level}
     *                   from which it stayed there, the final evaluation included; null where it never settled there
     */
    record Cell(String env, String algo, Integer trajectories, List<Long> seeds, double[] seedMeans, double mean,
            double std, double episodeStd, long envSteps, double wallSeconds, PublishedResults.Cell paper,
            Boolean meetsPaper, Double level, List<Long> stepsToLevel) {

        /** Seeds that reached the level. */
        long reached() {
            return stepsToLevel == null ? 0 : stepsToLevel.stream().filter(Objects::nonNull).count();
        }

        /** The median env steps to the level over the seeds that reached it, or null when none did. */
        Long medianStepsToLevel() {
            if (stepsToLevel == null) {
                return null;
            }
            List<Long> reachedSteps = stepsToLevel.stream().filter(Objects::nonNull).sorted().toList();
            if (reachedSteps.isEmpty()) {
                return null;
            }
            int m = reachedSteps.size();
            return m % 2 == 1 ? reachedSteps.get(m / 2) : (reachedSteps.get(m / 2 - 1) + reachedSteps.get(m / 2)) / 2;
        }
    }

    /** The expert's level of an env: its mean minus the tolerance times the expert–random gap. */
    static double level(double expertMean, double randomMean) {
        return expertMean - GailTableSettings.LEVEL_TOLERANCE * Math.abs(expertMean - randomMean);
    }

    private static String displayName(String algo) {
        return switch (algo) {
            case "dagger" -> "DAgger";
            case "iq-learn" -> "IQ-Learn";
            default -> algo.toUpperCase(Locale.ROOT);
        };
    }

    /** The paper's tasks were CartPole with 200 steps (v0), Acrobot and MountainCar: CartPole-v1 has no paper row. */
    static boolean hasPaperRow(String env) {
        return !env.equals("CartPole-v1") && PublishedResults.task(env) != null;
    }

    static PublishedResults.Cell paper(String env, String algo, Integer trajectories) {
        if (!hasPaperRow(env)) {
            return null;
        }
        return switch (algo) {
            case "expert" -> PublishedResults.expert(env);
            case "bc" -> PublishedResults.bc(env, trajectories);
            case "gail" -> PublishedResults.gail(env, trajectories);
            default -> null;
        };
    }

    static List<Cell> cells(GailTableSettings settings, List<Run> runs, Map<Run, RunResult> results) {
        Map<List<Object>, List<RunResult>> grouped = new LinkedHashMap<>();
        for (Run run : runs) {
            grouped.computeIfAbsent(java.util.Arrays.asList(run.env(), run.algo(), run.trajectories()), k -> new ArrayList<>())
                    .add(Objects.requireNonNull(results.get(run), run::toString));
        }
        Map<String, Double> levels = new LinkedHashMap<>();
        for (String env : settings.envs()) {
            List<RunResult> expert = new ArrayList<>();
            List<RunResult> random = new ArrayList<>();
            grouped.forEach((key, group) -> {
                if (key.get(0).equals(env) && key.get(1).equals("expert")) {
                    expert.addAll(group);
                } else if (key.get(0).equals(env) && key.get(1).equals("random")) {
                    random.addAll(group);
                }
            });
            if (!expert.isEmpty() && !random.isEmpty()) {
                levels.put(env, level(expert.stream().mapToDouble(r -> r.evaluation().meanReturn()).average().orElseThrow(),
                        random.stream().mapToDouble(r -> r.evaluation().meanReturn()).average().orElseThrow()));
            }
        }
        List<Cell> cells = new ArrayList<>();
        for (List<RunResult> group : grouped.values()) {
            Run first = group.get(0).run();
            boolean learner = GailTableSettings.LEARNERS.contains(first.algo());
            Double level = learner ? levels.get(first.env()) : null;
            List<Long> toLevel = level == null ? null : group.stream()
                    .map(r -> PaperProtocol.stepsToLevel(r.evaluations(), level, r.evaluation().meanReturn()))
                    .collect(java.util.stream.Collectors.toList());
            double[] seedMeans = group.stream().mapToDouble(r -> r.evaluation().meanReturn()).toArray();
            double[] episodes = group.stream().flatMapToDouble(r -> java.util.Arrays.stream(r.evaluation().returns())).toArray();
            double mean = mean(seedMeans);
            PublishedResults.Cell paper = paper(first.env(), first.algo(), first.trajectories());
            Boolean meets = paper == null ? null : switch (first.algo()) {
                case "gail" -> mean >= paper.mean() - paper.std();
                case "bc" -> mean >= paper.mean();
                default -> null;
            };
            cells.add(new Cell(first.env(), first.algo(), first.trajectories(),
                    group.stream().map(r -> r.run().seed()).toList(), seedMeans, mean, std(seedMeans), std(episodes),
                    Math.round(group.stream().mapToLong(RunResult::envSteps).average().orElse(0)),
                    group.stream().mapToDouble(RunResult::wallSeconds).sum(), paper, meets, level, toLevel));
        }
        return cells;
    }

    static void write(Path out, GailTableSettings settings, long firstSeed, List<Cell> cells, Map<Run, RunResult> results,
            double wallSeconds) throws IOException {
        writeJson(out.resolve("results.json"), settings, firstSeed, cells, wallSeconds);
        Files.writeString(out.resolve("table.md"), markdown(settings, cells, wallSeconds), StandardCharsets.UTF_8);
        for (String env : settings.envs()) {
            learningCurves(out.resolve(env + "-learning-curves.png"), env, settings, cells, results);
            returnsVsTrajectories(out.resolve(env + "-returns-vs-trajectories.png"), env, cells);
        }
    }

    private static void writeJson(Path file, GailTableSettings settings, long firstSeed, List<Cell> cells,
            double wallSeconds) throws IOException {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("experiment", "gail-table");
        root.put("paper", "Ho & Ermon 2016, Generative Adversarial Imitation Learning, Table 1 (classic control)");
        root.put("quick", settings.quick());
        ArrayNode algosNode = root.putArray("algos");
        settings.algos().forEach(algosNode::add);
        ArrayNode envs = root.putArray("envs");
        settings.envs().forEach(envs::add);
        ArrayNode counts = root.putArray("trajectories");
        settings.trajectories().forEach(counts::add);
        ArrayNode seeds = root.putArray("seeds");
        for (long s = firstSeed; s < firstSeed + settings.seeds(); s++) {
            seeds.add(s);
        }
        root.put("evaluation_episodes_per_seed", settings.episodes());
        root.put("jobs", settings.jobs());
        root.put("wall_seconds", round(wallSeconds, 1));
        ObjectNode settingsNode = root.putObject("settings");
        for (String env : settings.envs()) {
            ObjectNode perEnv = settingsNode.putObject(env);
            for (String algo : settings.algos()) {
                perEnv.set(algo, settings.describe(env, algo));
            }
        }
        ArrayNode cellsNode = root.putArray("cells");
        for (Cell cell : cells) {
            ObjectNode node = cellsNode.addObject();
            node.put("env", cell.env());
            node.put("algo", cell.algo());
            if (cell.trajectories() == null) {
                node.putNull("trajectories");
            } else {
                node.put("trajectories", cell.trajectories());
            }
            node.put("mean", cell.mean());
            node.put("std", cell.std());
            node.put("episode_std", cell.episodeStd());
            ArrayNode cellSeeds = node.putArray("seeds");
            cell.seeds().forEach(cellSeeds::add);
            ArrayNode returns = node.putArray("returns_per_seed");
            for (double r : cell.seedMeans()) {
                returns.add(r);
            }
            node.put("env_steps", cell.envSteps());
            node.put("wall_seconds", round(cell.wallSeconds(), 1));
            if (cell.paper() != null) {
                node.put("paper_mean", cell.paper().mean());
                node.put("paper_std", cell.paper().std());
            }
            if (cell.meetsPaper() != null) {
                node.put("meets_paper", cell.meetsPaper());
            }
            if (cell.level() != null) {
                node.put("level", round(cell.level(), 2));
                ArrayNode toLevel = node.putArray("env_steps_to_level");
                cell.stepsToLevel().forEach(steps -> {
                    if (steps == null) {
                        toLevel.addNull();
                    } else {
                        toLevel.add(steps);
                    }
                });
                Long median = cell.medianStepsToLevel();
                if (median == null) {
                    node.putNull("env_steps_to_level_median");
                } else {
                    node.put("env_steps_to_level_median", median);
                }
                node.put("seeds_at_level", cell.reached());
            }
        }
        Files.writeString(file, Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n",
                StandardCharsets.UTF_8);
    }

    static String markdown(GailTableSettings settings, List<Cell> cells, double wallSeconds) {
        StringBuilder md = new StringBuilder();
        List<String> learners = settings.algos().stream().filter(GailTableSettings.LEARNERS::contains).toList();
        md.append("# GAIL paper table (`./imitation experiments gail-table").append(settings.quick() ? " --quick" : "")
                .append(learners.equals(GailTableSettings.LEARNERS) ? "" : " --algos " + String.join(",", learners))
                .append("`)\n\n");
        md.append(String.format(Locale.ROOT, "%d seed(s) per cell, %d evaluation episodes per seed; ours: mean over seeds "
                + "(± std across seeds), paper: Ho & Ermon 2016, Table 1 (mean ± std). Checks: GAIL ✓ when ours ≥ paper mean "
                + "− paper std, BC ✓ when ours ≥ paper mean. Env steps to expert level: the first greedy evaluation "
                + "during training (%d episodes; BC: its final policy, 0 env steps) at or above the level = expert mean − "
                + "%.0f%% of the expert–random gap, staying there for the rest of the run and in the final evaluation; "
                + "median over the seeds that got there (how many of them). Total wall time %.1f s with %d job(s).%s%n%n",
                settings.seeds(), settings.episodes(), PaperProtocol.EVALUATION_EPISODES_DURING_TRAINING,
                100 * GailTableSettings.LEVEL_TOLERANCE, wallSeconds, settings.jobs(),
                settings.quick() ? " **Quick settings: a smoke test, the numbers mean nothing.**" : ""));
        for (String env : settings.envs()) {
            md.append("## ").append(env).append("\n\n");
            if (!hasPaperRow(env)) {
                md.append("The paper has no row for ").append(env)
                        .append(" (its CartPole is CartPole-v0, 200 steps); ours only.\n\n");
            } else if (env.equals("Acrobot-v1")) {
                md.append("The paper's Acrobot had a 200-step limit; Acrobot-v1 has 500.\n\n");
            }
            for (String algo : List.of("expert", "random")) {
                for (Cell cell : cells) {
                    if (cell.env().equals(env) && cell.algo().equals(algo)) {
                        md.append("- ").append(algo).append(": ").append(ours(cell));
                        if (cell.paper() != null) {
                            md.append(" (paper: ").append(paperText(cell.paper())).append(")");
                        }
                        md.append("\n");
                    }
                }
            }
            md.append("\n| algorithm |");
            for (int n : settings.trajectories()) {
                md.append(" ").append(n).append(" traj: ours | paper |");
            }
            md.append(" env steps per run (").append(settings.trajectories().get(settings.trajectories().size() - 1))
                    .append(" traj; others where they differ) | env steps to expert level");
            levelOf(cells, env).ifPresent(l -> md.append(String.format(Locale.ROOT, " (%.1f)", l)));
            md.append(" |\n|---|");
            md.append("---|---|".repeat(settings.trajectories().size())).append("---|---|\n");
            for (String algo : GailTableSettings.LEARNERS) {
                if (cells.stream().noneMatch(c -> c.env().equals(env) && c.algo().equals(algo))) {
                    continue;
                }
                md.append("| ").append(displayName(algo)).append(" |");
                long steps = 0;
                List<String> differing = new ArrayList<>();
                long last = find(cells, env, algo, settings.trajectories().get(settings.trajectories().size() - 1)).envSteps();
                for (int n : settings.trajectories()) {
                    Cell cell = find(cells, env, algo, n);
                    md.append(" ").append(ours(cell));
                    if (cell.meetsPaper() != null) {
                        md.append(cell.meetsPaper() ? " ✓" : " ✗");
                    }
                    md.append(" | ").append(cell.paper() == null ? "—" : paperText(cell.paper())).append(" |");
                    steps = cell.envSteps();
                    // budgets differ per trajectory count in some cells (one trajectory gets more); a few % is rollout rounding
                    if (Math.abs(steps - last) > 0.05 * Math.max(1, last)) {
                        differing.add(String.format(Locale.ROOT, "%d traj: %,d", n, steps));
                    }
                }
                md.append(" ").append(String.format(Locale.ROOT, "%,d", steps));
                if (!differing.isEmpty()) {
                    md.append(" (").append(String.join(", ", differing)).append(")");
                }
                List<String> toLevel = new ArrayList<>();
                for (int n : settings.trajectories()) {
                    Cell cell = find(cells, env, algo, n);
                    Long median = cell.medianStepsToLevel();
                    toLevel.add(String.format(Locale.ROOT, "%d: %s (%d/%d)", n, median == null ? "never" : String.format(
                            Locale.ROOT, "%,d", median), cell.reached(), cell.seeds().size()));
                }
                md.append(" | ").append(String.join(" · ", toLevel)).append(" |\n");
            }
            md.append("\n![learning curves](").append(env).append("-learning-curves.png) ![returns vs trajectories](")
                    .append(env).append("-returns-vs-trajectories.png)\n\n");
        }
        return md.toString();
    }

    private static java.util.Optional<Double> levelOf(List<Cell> cells, String env) {
        return cells.stream().filter(c -> c.env().equals(env) && c.level() != null).map(Cell::level).findFirst();
    }

    private static Cell find(List<Cell> cells, String env, String algo, Integer n) {
        return cells.stream().filter(c -> c.env().equals(env) && c.algo().equals(algo) && Objects.equals(c.trajectories(), n))
                .findFirst().orElseThrow();
    }

    private static String ours(Cell cell) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", cell.mean(), cell.std());
    }

    private static String paperText(PublishedResults.Cell cell) {
        return String.format(Locale.ROOT, "%.2f ± %.2f", cell.mean(), cell.std());
    }

    /** GAIL and AIRL: training return vs env steps, per trajectory count, the mean over seeds update by update. */
    private static void learningCurves(Path file, String env, GailTableSettings settings, List<Cell> cells,
            Map<Run, RunResult> results) throws IOException {
        List<LearningCurvePlot.Series> series = new ArrayList<>();
        for (String algo : List.of("gail", "airl")) {
            for (int n : settings.trajectories()) {
                List<List<double[]>> curves = new ArrayList<>();
                for (RunResult result : results.values()) {
                    Run run = result.run();
                    if (run.env().equals(env) && run.algo().equals(algo) && Objects.equals(run.trajectories(), n)) {
                        curves.add(result.curve());
                    }
                }
                int length = curves.stream().mapToInt(List::size).max().orElse(0);
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int k = 0; k < length; k++) {
                    double x = 0;
                    double y = 0;
                    int xCount = 0;
                    int yCount = 0;
                    for (List<double[]> curve : curves) {
                        if (k < curve.size()) {
                            x += curve.get(k)[0];
                            xCount++;
                            if (Double.isFinite(curve.get(k)[1])) {
                                y += curve.get(k)[1];
                                yCount++;
                            }
                        }
                    }
                    xs.add(x / xCount);
                    ys.add(yCount == 0 ? Double.NaN : y / yCount);
                }
                series.add(new LearningCurvePlot.Series(algo.toUpperCase() + ", " + n + " traj", xs, ys, false));
            }
        }
        Cell expert = find(cells, env, "expert", null);
        LearningCurvePlot.write(file, env + ": GAIL and AIRL training return (mean over " + settings.seeds() + " seeds)",
                "env steps", "return of training episodes (last 20)", series, expert.mean(), "expert");
    }

    /** Evaluation return vs the number of expert trajectories, ours and the paper's, with random as a flat line. */
    private static void returnsVsTrajectories(Path file, String env, List<Cell> cells) throws IOException {
        List<LearningCurvePlot.Series> series = new ArrayList<>();
        List<Double> counts = new ArrayList<>();
        for (Cell cell : cells) {
            if (cell.env().equals(env) && cell.algo().equals("bc")) {
                counts.add((double) cell.trajectories());
            }
        }
        for (String algo : GailTableSettings.LEARNERS) {
            List<Double> ys = new ArrayList<>();
            for (Cell cell : cells) {
                if (cell.env().equals(env) && cell.algo().equals(algo)) {
                    ys.add(cell.mean());
                }
            }
            if (!ys.isEmpty()) {
                series.add(new LearningCurvePlot.Series(displayName(algo), counts, ys, true));
            }
        }
        if (hasPaperRow(env)) {
            for (String algo : List.of("bc", "gail")) {
                List<Double> xs = new ArrayList<>();
                List<Double> ys = new ArrayList<>();
                for (int n : PublishedResults.TRAJECTORIES) {
                    PublishedResults.Cell p = paper(env, algo, n);
                    if (p != null) {
                        xs.add((double) n);
                        ys.add(p.mean());
                    }
                }
                series.add(new LearningCurvePlot.Series("paper " + algo.toUpperCase(), xs, ys, true));
            }
        }
        double random = find(cells, env, "random", null).mean();
        series.add(new LearningCurvePlot.Series("random", counts, counts.stream().map(c -> random).toList(), false));
        Cell expert = find(cells, env, "expert", null);
        LearningCurvePlot.write(file, env + ": evaluation return vs expert trajectories", "expert trajectories",
                "mean evaluation return", series, expert.mean(), "expert");
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double std(double[] values) {
        double mean = mean(values);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / values.length);
    }

    private static double round(double value, int digits) {
        double scale = Math.pow(10, digits);
        return Math.round(value * scale) / scale;
    }
}
