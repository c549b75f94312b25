package io.github.imitation.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders a kustomization with the tools that are there: {@code kubectl kustomize} (kubectl's built-in
 * kustomize), else a {@code kustomize build}. The binaries can be named with -Dkubectl=PATH or
 * -Dkustomize=PATH; without either on the PATH the tests that need a rendering are skipped with a message
 * saying so (there is no Java re-implementation of kustomize here). -Dkubectl=none -Dkustomize=none pretend
 * neither is installed.
 */
final class Rendered {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private Rendered() {
    }

    /** The k8s/ directory under test: -Dk8s.dir, else ../k8s from the module. */
    static Path k8sDir() {
        String dir = System.getProperty("k8s.dir");
        Path path = dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("..", "k8s");
        return path.toAbsolutePath().normalize();
    }

    /** The repository root holding the service modules: -Dservices.dir, else the parent directory. */
    static Path servicesDir() {
        String dir = System.getProperty("services.dir");
        return (dir != null && !dir.isBlank() ? Path.of(dir) : Path.of("..")).toAbsolutePath().normalize();
    }

    /** Every overlay: the directories of k8s/overlays with a kustomization. */
    static List<Path> overlays() throws IOException {
        Path overlays = k8sDir().resolve("overlays");
        try (Stream<Path> dirs = Files.list(overlays)) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted().toList();
        }
    }

    /** The command that renders a kustomization directory, if a renderer is installed. */
    static Optional<List<String>> renderer(Path dir) {
        Optional<String> kubectl = binary("kubectl");
        if (kubectl.isPresent()) {
            return Optional.of(List.of(kubectl.get(), "kustomize", dir.toString()));
        }
        return binary("kustomize").map(k -> List.of(k, "build", dir.toString()));
    }

    static String skipMessage() {
        return "neither kubectl nor kustomize is installed (or named with -Dkubectl=/-Dkustomize=): the overlays"
                + " cannot be rendered, so the manifest validation is SKIPPED. Install kubectl to run it.";
    }

    private static Optional<String> binary(String name) {
        String explicit = System.getProperty(name);
        if ("none".equals(explicit)) {
            return Optional.empty();
        }
        if (explicit != null && !explicit.isBlank()) {
            return Optional.of(explicit);
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /** Renders the kustomization in {@code dir} and returns its documents (non-empty ones). */
    static List<ObjectNode> render(Path dir) throws IOException, InterruptedException {
        List<String> command = renderer(dir).orElseThrow(() -> new IllegalStateException(skipMessage()));
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed (exit " + process.exitValue() + "):\n"
                    + new String(err, StandardCharsets.UTF_8));
        }
        return parse(new String(out, StandardCharsets.UTF_8));
    }

    static List<ObjectNode> parse(String yaml) throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc == null || doc.isNull() || doc.isMissingNode()) {
                    continue;
                }
                if (!doc.isObject()) {
                    throw new AssertionError("a rendered document is not a mapping: " + doc);
                }
                docs.add((ObjectNode) doc);
            }
        }
        return docs;
    }

    static String id(JsonNode doc) {
        return doc.path("kind").asText("?") + "/" + doc.path("metadata").path("name").asText("?");
    }
}
