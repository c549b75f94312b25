package io.github.imitation.cli.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.imitation.cli.bench.Spread;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** What the throughput benchmarks ({@code bench rollout}, {@code bench kafka}) write besides their figures. */
public final class BenchJson {

    private static final Path LOADAVG = Path.of("/proc/loadavg");

    private BenchJson() {
    }

    /**
     * {@code {"mean", "stddev", "min", "max", "values"}} of {@code spread}, rounded to {@code decimals}:
     * a benchmark's figure is only as precise as its spread, the rest is noise.
     */
    public static ObjectNode spread(ObjectNode parent, String name, Spread spread, int decimals) {
        ObjectNode node = parent.putObject(name);
        node.put("mean", round(spread.mean(), decimals));
        node.put("stddev", round(spread.stddev(), decimals));
        node.put("min", round(spread.min(), decimals));
        node.put("max", round(spread.max(), decimals));
        ArrayNode values = node.putArray("values");
        for (double v : spread.values()) {
            values.add(round(v, decimals));
        }
        return node;
    }

    public static double round(double value, int decimals) {
        double scale = Math.pow(10, decimals);
        return Math.round(value * scale) / scale;
    }

    /**
     * The machine and its load now: figures from a shared machine mean little without the load they were
     * measured under. The load average is the 1, 5 and 15 minute one of {@code /proc/loadavg} where there
     * is one, else the JVM's 1 minute figure.
     */
    public static ObjectNode machine(ObjectNode parent, String name) {
        ObjectNode node = parent.putObject(name);
        node.put("time", OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString());
        node.put("cores", Runtime.getRuntime().availableProcessors());
        node.put("java", System.getProperty("java.version"));
        node.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        ArrayNode load = node.putArray("load_average");
        try {
            for (String field : Files.readString(LOADAVG).trim().split("\\s+", 4)) {
                if (load.size() < 3) {
                    load.add(Double.parseDouble(field));
                }
            }
        } catch (IOException | RuntimeException e) {
            load.removeAll();
            load.add(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        return node;
    }
}
