package io.github.imitation.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The Grafana dashboard (k8s/components/monitoring/grafana-dashboard.json) queries only metrics that exist: every
 * metric name in every panel's PromQL is one the services register (found in their Java sources, in
 * Micrometer's Prometheus naming) or one of the framework's binders the services enable; a renamed metric
 * fails here instead of leaving an empty panel. It covers what the console's issue asks for, and the
 * monitoring overlay ships it unchanged as the ConfigMap Grafana's sidecar picks up.
 */
class GrafanaDashboardTest {

    private static final Path DASHBOARD = Rendered.k8sDir().resolve("components/monitoring/grafana-dashboard.json");

    /** Metrics of the framework's binders: Quarkus' HTTP server binder and Micrometer's Kafka client binder. */
    private static final Set<String> FRAMEWORK = Set.of(
            "http_server_requests_seconds_count", "http_server_requests_seconds_sum", "http_server_requests_seconds_max",
            "kafka_consumer_fetch_manager_records_lag_max");

    private static final Set<String> PROMQL_WORDS = Set.of("sum", "max", "min", "avg", "count", "rate", "irate", "increase",
            "deriv", "delta", "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
            "histogram_quantile", "topk", "bottomk", "abs", "clamp_min", "clamp_max", "offset", "bool", "le");

    /** Metric names registered in the services' code: "imitation.x.y" in a registry / builder call. */
    private static final Pattern REGISTERED = Pattern.compile(
            "(?:counter|gauge|timer|summary|Gauge\\.builder|Counter\\.builder|Timer\\.builder)\\(\\s*\"(imitation\\.[a-z0-9._]+)\"");

    static Set<String> registeredMetrics() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(Rendered.servicesDir())) {
            for (Path p : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/")
                    && !f.toString().contains("/target/")).toList()) {
                Matcher m = REGISTERED.matcher(Files.readString(p));
                while (m.find()) {
                    String base = m.group(1).replace('.', '_');
                    names.add(base);
                    names.add(base + "_total");
                }
            }
        }
        return names;
    }

    /** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or durations. */
    static Set<String> metricsOf(String expr) {
        String stripped = expr.replaceAll("\"[^\"]*\"", "\"\"") // label values
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges
                .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " "); // grouping labels
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(stripped);
        while (m.find()) {
            String word = m.group();
            int next = m.end();
            while (next < stripped.length() && stripped.charAt(next) == ' ') {
                next++;
            }
            boolean call = next < stripped.length() && stripped.charAt(next) == '(';
            if (!call && !PROMQL_WORDS.contains(word) && !word.matches("[0-9].*")) {
                names.add(word);
            }
        }
        return names;
    }

    private static JsonNode dashboard() throws IOException {
        return new JsonMapper().readTree(DASHBOARD.toFile());
    }

    @Test
    void everyQueryReadsAMetricTheServicesExport() throws Exception {
        Set<String> known = new TreeSet<>(registeredMetrics());
        assertTrue(known.contains("imitation_policy_version"), "the scan of the sources found " + known);
        known.addAll(FRAMEWORK);
        List<String> errors = new ArrayList<>();
        Set<String> used = new TreeSet<>();
        JsonNode panels = dashboard().path("panels");
        assertTrue(panels.size() >= 6, "panels: " + panels.size());
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText();
            if (title.isBlank()) {
                errors.add("a panel without a title");
            }
            if (!"${datasource}".equals(panel.path("datasource").path("uid").asText())) {
                errors.add(title + ": datasource is not the ${datasource} variable");
            }
            if (panel.path("targets").isEmpty()) {
                errors.add(title + ": no query");
            }
            for (JsonNode target : panel.path("targets")) {
                String expr = target.path("expr").asText();
                Set<String> metrics = metricsOf(expr);
                if (metrics.isEmpty()) {
                    errors.add(title + ": no metric in " + expr);
                }
                for (String metric : metrics) {
                    used.add(metric);
                    if (!known.contains(metric)) {
                        errors.add(title + ": " + metric + " is not a metric the services export (" + expr + ")");
                    }
                }
            }
        }
        assertEquals(List.of(), errors);
        // what the dashboard is for: env steps/s, policy versions, stale batches, consumer lag, DLQ rate, inference latency
        for (String required : List.of("imitation_rollout_env_steps_total", "imitation_policy_version",
                "imitation_policy_batches_stale_dropped_total", "kafka_consumer_fetch_manager_records_lag_max",
                "imitation_demonstrations_dead_lettered_total", "http_server_requests_seconds_sum")) {
            assertTrue(used.contains(required), "no panel reads " + required + "; used: " + used);
        }
    }

    @Test
    void theParserFindsMetricsAndNothingElse() {
        assertEquals(Set.of("a_total", "b_count"), metricsOf(
                "sum by (run, pod) (rate(a_total{namespace=\"x\", pod=~\"p.*\"}[5m])) / max without (le) (b_count[1m])"));
    }

    @Test
    void theMonitoringOverlayShipsTheDashboardForGrafanasSidecar() throws Exception {
        Path overlay = Rendered.k8sDir().resolve("overlays/monitoring");
        assumeTrue(Rendered.renderer(overlay).isPresent(), Rendered::skipMessage);
        List<ObjectNode> docs = Rendered.render(overlay);
        ObjectNode configMap = docs.stream().filter(d -> "ConfigMap".equals(d.path("kind").asText())
                && "imitation-grafana-dashboard".equals(d.path("metadata").path("name").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap imitation-grafana-dashboard in overlays/monitoring"));
        assertEquals("1", configMap.path("metadata").path("labels").path("grafana_dashboard").asText());
        assertEquals(dashboard(), new JsonMapper().readTree(configMap.path("data").path("grafana-dashboard.json").asText()));
        assertTrue(docs.stream().anyMatch(d -> "PodMonitor".equals(d.path("kind").asText())), "a PodMonitor");
    }
}
