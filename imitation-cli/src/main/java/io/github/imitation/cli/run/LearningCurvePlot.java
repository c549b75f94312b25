package io.github.imitation.cli.run;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Learning curves as PNG files, drawn with XChart (headless). */
public final class LearningCurvePlot {

    /** One named curve: x and y values of equal length. */
    public record Series(String name, List<Double> x, List<Double> y, boolean markers) {
    }

    private LearningCurvePlot() {
    }

    public static void write(Path file, String title, String xLabel, String yLabel, List<Series> series,
            Double referenceLine, String referenceName) throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(540).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel).build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            List<double[]> points = finitePoints(s);
            if (points.isEmpty()) {
                continue;
            }
            double[] xs = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] ys = points.stream().mapToDouble(p -> p[1]).toArray();
            XYSeries added = chart.addSeries(s.name(), xs, ys);
            added.setMarker(s.markers() ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
            for (double x : xs) {
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
            }
        }
        if (referenceLine != null && Double.isFinite(minX)) {
            XYSeries reference = chart.addSeries(referenceName, new double[] {minX, maxX},
                    new double[] {referenceLine, referenceLine});
            reference.setMarker(SeriesMarkers.NONE);
            reference.setLineStyle(new java.awt.BasicStroke(1.5f, java.awt.BasicStroke.CAP_BUTT,
                    java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f));
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no data yet", new double[] {0}, new double[] {0});
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static List<double[]> finitePoints(Series s) {
        List<double[]> points = new java.util.ArrayList<>();
        for (int i = 0; i < Math.min(s.x().size(), s.y().size()); i++) {
            double x = s.x().get(i);
            double y = s.y().get(i);
            if (Double.isFinite(x) && Double.isFinite(y)) {
                points.add(new double[] {x, y});
            }
        }
        return points;
    }
}
