package io.github.imitation.k8s;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.internals.FetchMetricsRegistry;
import org.apache.kafka.clients.producer.internals.SenderMetricsRegistry;
import org.apache.kafka.common.MetricNameTemplate;

/**
 * The Prometheus series the services export at /q/metrics, as the code defines them, so that a query (a Grafana
 * panel, a KEDA Prometheus trigger) can be checked against them and a renamed metric fails the build:
 *
 * <ul>
 *   <li>the meters the services register: {@code registry.counter/gauge/timer/summary("name", ...)},
 *       {@code Counter/Gauge/Timer/DistributionSummary/FunctionCounter/TimeGauge/LongTaskTimer.builder("name")},
 *       {@code @Counted("name")}, {@code @Timed("name")} in every {@code src/main/java} of the repository, named
 *       as Micrometer's Prometheus registry names them (dots to underscores; counters {@code _total}; timers
 *       {@code _seconds_count}, {@code _seconds_sum}, {@code _seconds_max}, and {@code _seconds_bucket} with a
 *       histogram; summaries likewise without {@code _seconds}). A registration whose name is not a string
 *       literal is reported (the scan could not know its name);</li>
 *   <li>the binders the services enable: Quarkus' HTTP server binder ({@code http_server_requests_seconds_*},
 *       on by default with quarkus-micrometer unless {@code quarkus.micrometer.binder.http-server.enabled=false})
 *       and the Kafka client binder ({@code quarkus.micrometer.binder.kafka.enabled=true}: the consumers' fetch
 *       manager and the producers' metrics, their names taken from kafka-clients' own metric registries and named
 *       as Micrometer's {@code KafkaMetrics} does: {@code kafka.<group without -metrics>.<name>}, dashes to dots).</li>
 * </ul>
 */
final class Metrics {

    private Metrics() {
    }

    /** A registration call with a literal name: the call (its meter type) and the name. */
    private static final Pattern LITERAL = Pattern.compile(
            "(?<![A-Za-z0-9_])(counter|gauge|timer|summary|gaugeCollectionSize|gaugeMapSize"
                    + "|Counter\\.builder|Gauge\\.builder|Timer\\.builder|DistributionSummary\\.builder|FunctionCounter\\.builder"
                    + "|TimeGauge\\.builder|LongTaskTimer\\.builder|FunctionTimer\\.builder)\\(\\s*\"([^\"]+)\"");
    /** The same calls on a registry or builder, whatever the argument: each must be one of the literal ones. */
    private static final Pattern ANY_CALL = Pattern.compile(
            "(?:\\b[A-Za-z_][A-Za-z0-9_]*\\.(counter|gauge|timer|summary|gaugeCollectionSize|gaugeMapSize)"
                    + "|(?<![A-Za-z0-9_])(Counter|Gauge|Timer|DistributionSummary|FunctionCounter|TimeGauge|LongTaskTimer|FunctionTimer)\\.builder)\\(");
    private static final Pattern ANNOTATION = Pattern.compile("@(Counted|Timed)\\(\\s*(?:value\\s*=\\s*)?\"([^\"]+)\"");
    private static final Pattern ANNOTATION_ANY = Pattern.compile("@(Counted|Timed)\\b(?!\\(\\s*(?:value\\s*=\\s*)?\")");

    /** What the scan of the sources found: series name → where it is registered; and the registrations it could not read. */
    record Scan(Map<String, String> series, List<String> unreadable) {
    }

    /** The series every module's registrations export (the whole repository's src/main/java, target/ excluded). */
    static Scan registered() {
        return registered(UnaryOperator.identity());
    }

    /** As {@link #registered()}, with each source file's text passed through {@code edit} first (for planted renames). */
    static Scan registered(UnaryOperator<String> edit) {
        Map<String, String> series = new TreeMap<>();
        List<String> unreadable = new ArrayList<>();
        Path root = Rendered.servicesDir();
        List<Path> sources;
        try (Stream<Path> files = Files.walk(root)) {
            sources = files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> {
                        String rel = root.relativize(f).toString().replace('\\', '/');
                        return rel.contains("/src/main/java/") && !rel.contains("/target/") && !rel.startsWith(".");
                    }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Path p : sources) {
            String text;
            try {
                text = edit.apply(Files.readString(p));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!text.contains("io.micrometer")) {
                continue;
            }
            String where = root.relativize(p).toString();
            int literal = 0;
            Matcher m = LITERAL.matcher(text);
            while (m.find()) {
                literal++;
                String statement = text.substring(m.start(), Math.max(m.end(), text.indexOf(';', m.end()) < 0 ? text.length() : text.indexOf(';', m.end())));
                boolean histogram = statement.contains("publishPercentileHistogram") || statement.contains("serviceLevelObjectives");
                for (String s : seriesOf(type(m.group(1)), m.group(2), histogram)) {
                    series.putIfAbsent(s, where + ": " + m.group(1) + "(\"" + m.group(2) + "\")");
                }
            }
            Matcher any = ANY_CALL.matcher(text);
            int calls = 0;
            while (any.find()) {
                calls++;
            }
            if (calls != literal) {
                unreadable.add(where + ": " + (calls - literal) + " meter registration(s) whose name is not a string literal"
                        + " (the dashboard check cannot know their names: use a literal)");
            }
            Matcher a = ANNOTATION.matcher(text);
            while (a.find()) {
                boolean histogram = text.substring(a.start(), Math.min(text.length(), text.indexOf(')', a.end()) + 1)).contains("histogram = true");
                for (String s : seriesOf(a.group(1).equals("Counted") ? "counter" : "timer", a.group(2), histogram)) {
                    series.putIfAbsent(s, where + ": @" + a.group(1) + "(\"" + a.group(2) + "\")");
                }
            }
            if (ANNOTATION_ANY.matcher(text).find()) {
                unreadable.add(where + ": @Counted/@Timed without a literal name (Micrometer's default names are not checked here)");
            }
        }
        return new Scan(series, unreadable);
    }

    private static String type(String call) {
        String c = call.replace(".builder", "");
        return switch (c) {
            case "counter", "Counter", "FunctionCounter" -> "counter";
            case "timer", "Timer", "FunctionTimer" -> "timer";
            case "summary", "DistributionSummary" -> "summary";
            case "LongTaskTimer" -> "longTaskTimer";
            case "TimeGauge" -> "timeGauge";
            default -> "gauge";
        };
    }

    /** The Prometheus series of a Micrometer meter (PrometheusNamingConvention; base units other than seconds not modelled). */
    static Set<String> seriesOf(String type, String meterName, boolean histogram) {
        String base = meterName.replaceAll("[^A-Za-z0-9_:]", "_");
        Set<String> out = new TreeSet<>();
        switch (type) {
            case "counter" -> out.add(base.endsWith("_total") ? base : base + "_total");
            case "timer" -> {
                String s = base.endsWith("_seconds") ? base : base + "_seconds";
                out.addAll(List.of(s + "_count", s + "_sum", s + "_max"));
                if (histogram) {
                    out.add(s + "_bucket");
                }
            }
            case "summary" -> {
                out.addAll(List.of(base + "_count", base + "_sum", base + "_max"));
                if (histogram) {
                    out.add(base + "_bucket");
                }
            }
            case "longTaskTimer" -> {
                String s = base.endsWith("_seconds") ? base : base + "_seconds";
                out.addAll(List.of(s + "_active_count", s + "_duration_sum", s + "_max"));
            }
            case "timeGauge" -> out.add(base.endsWith("_seconds") ? base : base + "_seconds");
            default -> out.add(base);
        }
        return out;
    }

    /** The modules whose application.properties and pom define what a service process exports. */
    private static final List<String> SERVICE_MODULES = List.of("expert-service", "rollout-service", "discriminator-service", "policy-service");

    /** The series of the framework's binders that at least one service enables, each with the reason. */
    static Map<String, String> binders() {
        Map<String, String> series = new TreeMap<>();
        for (String module : SERVICE_MODULES) {
            Path pom = Rendered.servicesDir().resolve(module).resolve("pom.xml");
            boolean micrometer;
            try {
                micrometer = Files.isRegularFile(pom) && Files.readString(pom).contains("quarkus-micrometer");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (!micrometer) {
                continue;
            }
            ServiceContract contract;
            try {
                contract = ServiceContract.load(module, null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Map<String, String> p = contract.properties;
            if (!"false".equals(p.get("quarkus.micrometer.binder.http-server.enabled"))
                    && !"false".equals(p.get("quarkus.micrometer.binder-enabled-default"))) {
                for (String s : seriesOf("timer", "http.server.requests", false)) {
                    series.putIfAbsent(s, module + ": Quarkus' HTTP server binder");
                }
            }
            if ("true".equals(p.get("quarkus.micrometer.binder.kafka.enabled"))) {
                for (String s : kafkaClientSeries()) {
                    series.putIfAbsent(s, module + ": quarkus.micrometer.binder.kafka.enabled=true");
                }
            }
        }
        return series;
    }

    /** The consumers' fetch-manager and the producers' metrics of kafka-clients, as Micrometer's KafkaMetrics exports them. */
    static synchronized Set<String> kafkaClientSeries() {
        if (kafkaClientSeries == null) {
            kafkaClientSeries = Set.copyOf(readKafkaClientSeries());
        }
        return kafkaClientSeries;
    }

    private static Set<String> kafkaClientSeries;

    private static Set<String> readKafkaClientSeries() {
        List<MetricNameTemplate> templates = new ArrayList<>(new FetchMetricsRegistry(Set.of("client-id"), "consumer").getAllTemplates());
        try (org.apache.kafka.common.metrics.Metrics metrics = new org.apache.kafka.common.metrics.Metrics()) {
            templates.addAll(new SenderMetricsRegistry(metrics).allTemplates());
        }
        Set<String> out = new TreeSet<>();
        for (MetricNameTemplate t : templates) {
            String meter = ("kafka." + t.group() + "." + t.name()).replace("-metrics", "").replace('-', '.');
            // KafkaMetrics binds a metric whose name ends in "total" as a FunctionCounter, the others as gauges.
            out.addAll(seriesOf(t.name().endsWith("total") ? "counter" : "gauge", meter, false));
        }
        return out;
    }

    private static Map<String, String> exported;

    /** Every series a query may read: the registered ones and the enabled binders' (read once per test run). */
    static synchronized Map<String, String> exported() {
        if (exported == null) {
            Map<String, String> all = new LinkedHashMap<>(registered().series());
            binders().forEach(all::putIfAbsent);
            exported = java.util.Collections.unmodifiableMap(all);
        }
        return exported;
    }

    private static final Set<String> PROMQL_KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right",
            "and", "or", "unless", "offset", "bool", "inf", "nan", "Inf", "NaN", "atan2", "start", "end");

    /**
     * The metric names a PromQL expression reads: identifiers that are not function calls, keywords, label names
     * (in matchers and in by/without/on/ignoring/group_x lists) or durations; Grafana's $variables are ignored.
     */
    static Set<String> metricsOf(String expr) {
        String stripped = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"") // label values, strings
                .replaceAll("'(?:[^'\\\\]|\\\\.)*'", "''")
                .replaceAll("\\{[^}]*}", " ") // label matchers
                .replaceAll("\\[[^]]*]", " ") // ranges, subqueries
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ") // label lists
                .replaceAll("\\$\\{?[A-Za-z_][A-Za-z0-9_]*(?::[a-z]+)?}?", " "); // Grafana variables
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?<![A-Za-z0-9_.:])[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(stripped);
        while (m.find()) {
            String word = m.group();
            int next = m.end();
            while (next < stripped.length() && Character.isWhitespace(stripped.charAt(next))) {
                next++;
            }
            boolean call = next < stripped.length() && stripped.charAt(next) == '(';
            if (!call && !PROMQL_KEYWORDS.contains(word)) {
                names.add(word);
            }
        }
        return names;
    }

    /** The query's metrics that are not exported, each with the query. */
    static List<String> unknownIn(String expr, Map<String, String> exported) {
        List<String> unknown = new ArrayList<>();
        for (String metric : metricsOf(expr)) {
            if (!exported.containsKey(metric)) {
                unknown.add(metric);
            }
        }
        return unknown;
    }
}
