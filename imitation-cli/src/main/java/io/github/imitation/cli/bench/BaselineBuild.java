package io.github.imitation.cli.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * An older revision of this project, built from git for a before/after benchmark: {@code git worktree add} of the
 * revision into a temporary directory, the reactor build of its CLI there ({@code ./mvnw -o -q -B -pl imitation-cli
 * -am -DskipTests package}: offline, nothing installed), and a workload source file of today compiled against that
 * build. {@link #classpath()} then runs the workload on the old code. {@link #close()} removes the worktree.
 */
final class BaselineBuild implements AutoCloseable {

    private static final long BUILD_TIMEOUT_MINUTES = 20;

    private final Path projectRoot;
    private final String revision;
    private final Path directory;
    private final Path worktree;
    private String classpath;

    private BaselineBuild(Path projectRoot, String revision) throws IOException {
        this.projectRoot = projectRoot;
        this.revision = revision;
        this.directory = Files.createTempDirectory("imitation-baseline-");
        this.worktree = directory.resolve("src");
    }

    /**
     * Checks out and builds {@code revision} of the repository at {@code projectRoot}, then compiles
     * {@code workloadSource} against it. Progress goes to {@code err}; the Maven log to a file in the temp directory.
     */
    static BaselineBuild build(Path projectRoot, String revision, Path workloadSource, PrintStream err)
            throws IOException, InterruptedException {
        BaselineBuild baseline = new BaselineBuild(projectRoot, revision);
        try {
            baseline.checkoutAndBuild(workloadSource, err);
            return baseline;
        } catch (IOException | InterruptedException | RuntimeException e) {
            baseline.close();
            throw e;
        }
    }

    private void checkoutAndBuild(Path workloadSource, PrintStream err) throws IOException, InterruptedException {
        err.println("bench learner: git worktree of " + revision + " in " + worktree);
        run(projectRoot, directory.resolve("git.log"), 5, "git", "worktree", "add", "--detach", worktree.toString(), revision);
        err.println("bench learner: building " + revision + "'s CLI (./mvnw -o -q -B -pl imitation-cli -am -DskipTests package)");
        run(worktree, directory.resolve("build.log"), BUILD_TIMEOUT_MINUTES, worktree.resolve("mvnw").toString(), "-o", "-q",
                "-B", "-pl", "imitation-cli", "-am", "-DskipTests", "package");
        Path target = worktree.resolve("imitation-cli").resolve("target");
        Path jar = target.resolve("imitation-cli.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IOException(revision + ": the build made no " + jar);
        }
        List<String> entries = new ArrayList<>();
        entries.add(jar.toString());
        Path lib = target.resolve("lib");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> jars = Files.list(lib)) {
                jars.filter(p -> p.toString().endsWith(".jar")).sorted().forEach(p -> entries.add(p.toString()));
            }
        }
        String buildClasspath = String.join(java.io.File.pathSeparator, entries);
        Path classes = directory.resolve("workload-classes");
        Files.createDirectories(classes);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        if (javac == null) {
            throw new IOException("no Java compiler in this runtime (a JDK is needed to compile the workload for " + revision + ")");
        }
        int code = javac.run(null, null, null, "-nowarn", "-d", classes.toString(), "-cp", buildClasspath,
                workloadSource.toString());
        if (code != 0) {
            throw new IOException(workloadSource.getFileName() + " does not compile against " + revision
                    + " (javac exit " + code + "): it may use API newer than that revision");
        }
        classpath = classes + java.io.File.pathSeparator + buildClasspath;
    }

    /** The workload's classes, then the old build's jars. */
    String classpath() {
        return classpath;
    }

    String revision() {
        return revision;
    }

    /** Runs a command to completion, its output to {@code log}; fails with the log's tail if it fails. */
    private static void run(Path directory, Path log, long timeoutMinutes, String... command)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!process.waitFor(timeoutMinutes, TimeUnit.MINUTES)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            throw new IOException(String.join(" ", command) + " did not finish within " + timeoutMinutes + " minutes");
        }
        if (process.exitValue() != 0) {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
            throw new IOException(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n" + tail);
        }
    }

    @Override
    public void close() {
        try {
            if (Files.exists(worktree)) {
                run(projectRoot, directory.resolve("git-remove.log"), 5, "git", "worktree", "remove", "--force",
                        worktree.toString());
            }
        } catch (IOException | InterruptedException e) {
            System.err.println("bench learner: could not remove the worktree " + worktree + ": " + e.getMessage());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp directory left behind is harmless
        }
    }
}
