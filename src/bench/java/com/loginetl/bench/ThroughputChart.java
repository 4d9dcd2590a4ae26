package com.loginetl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A line chart of throughput over time as SVG, written by hand: one line per series, seconds on the
 * x axis, messages per second on the y axis.
 */
final class ThroughputChart {

	private static final int WIDTH = 960;

	private static final int HEIGHT = 480;

	private static final int LEFT = 80;

	private static final int RIGHT = 20;

	private static final int TOP = 50;

	private static final int BOTTOM = 60;

	private final String title;

	private final List<Series> series = new ArrayList<>();

	private final List<Mark> marks = new ArrayList<>();

	ThroughputChart(String title) {
		this.title = title;
	}

	ThroughputChart add(String label, String colour, List<double[]> points) {
		this.series.add(new Series(label, colour, points));
		return this;
	}

	/** A dashed vertical line at {@code x} seconds, labelled; nothing when {@code x} is null. */
	ThroughputChart mark(Double x, String label, String colour) {
		if (x != null) {
			this.marks.add(new Mark(x, label, colour));
		}
		return this;
	}

	String svg() {
		double maxX = Math.max(1, Stream.concat(this.marks.stream().map(Mark::x),
				this.series.stream().flatMap((line) -> line.points().stream()).map((point) -> point[0]))
			.max(Double::compare).orElse(0.0));
		double maxY = Math.max(1, this.series.stream().flatMap((line) -> line.points().stream())
			.mapToDouble((point) -> point[1]).max().orElse(0));
		double xStep = niceStep(maxX);
		double yStep = niceStep(maxY);
		double xMax = Math.ceil(maxX / xStep) * xStep;
		double yMax = Math.ceil(maxY / yStep) * yStep;
		int plotWidth = WIDTH - LEFT - RIGHT;
		int plotHeight = HEIGHT - TOP - BOTTOM;
		DoubleUnaryOperator px = (x) -> LEFT + Math.min(x, xMax) / xMax * plotWidth;
		DoubleUnaryOperator py = (y) -> TOP + plotHeight - y / yMax * plotHeight;
		StringBuilder svg = new StringBuilder();
		svg.append(format("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
				+ "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
		svg.append(format("<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
		svg.append(format("<text x=\"%d\" y=\"24\" font-size=\"15\">%s</text>%n", LEFT, escape(this.title)));
		for (double y = 0; y <= yMax + yStep / 2; y += yStep) {
			svg.append(format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n", LEFT,
					py.applyAsDouble(y), LEFT + plotWidth, py.applyAsDouble(y)));
			svg.append(format("<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,.0f</text>%n", LEFT - 6,
					py.applyAsDouble(y) + 4, y));
		}
		for (double x = 0; x <= xMax + xStep / 2; x += xStep) {
			svg.append(format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n",
					px.applyAsDouble(x), TOP, px.applyAsDouble(x), TOP + plotHeight));
			svg.append(format("<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.0f</text>%n", px.applyAsDouble(x),
					TOP + plotHeight + 18, x));
		}
		svg.append(format("<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n", LEFT,
				TOP, plotWidth, plotHeight));
		svg.append(format("<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">seconds since the phase started</text>%n",
				LEFT + plotWidth / 2, HEIGHT - 20));
		svg.append(format("<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">"
				+ "messages per second (1 s intervals)</text>%n", TOP + plotHeight / 2, TOP + plotHeight / 2));
		for (Mark mark : this.marks) {
			svg.append(format("<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" "
					+ "stroke-dasharray=\"4 4\"/>%n", px.applyAsDouble(mark.x()), TOP, px.applyAsDouble(mark.x()),
					TOP + plotHeight, mark.colour()));
			svg.append(format("<text x=\"%.1f\" y=\"%d\" fill=\"%s\">%s</text>%n", px.applyAsDouble(mark.x()) + 4,
					TOP + plotHeight - 8, mark.colour(), escape(mark.label())));
		}
		int legendY = TOP + 16;
		for (Series line : this.series) {
			String points = line.points()
				.stream()
				.map((point) -> format("%.1f,%.1f", px.applyAsDouble(point[0]), py.applyAsDouble(point[1])))
				.collect(Collectors.joining(" "));
			svg.append(format("<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
					line.colour(), points));
			svg.append(format("<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
					LEFT + plotWidth - 330, legendY - 4, LEFT + plotWidth - 305, legendY - 4, line.colour()));
			svg.append(format("<text x=\"%d\" y=\"%d\">%s</text>%n", LEFT + plotWidth - 298, legendY,
					escape(line.label())));
			legendY += 18;
		}
		svg.append("</svg>\n");
		return svg.toString();
	}

	// 1, 2 or 5 times a power of ten, giving about five to ten grid lines
	private static double niceStep(double max) {
		double rough = max / 6;
		double power = Math.pow(10, Math.floor(Math.log10(rough)));
		for (double factor : new double[] { 1, 2, 5, 10 }) {
			if (factor * power >= rough) {
				return factor * power;
			}
		}
		return 10 * power;
	}

	private static String format(String pattern, Object... args) {
		return String.format(Locale.ROOT, pattern, args);
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
	}

	private record Series(String label, String colour, List<double[]> points) {
	}

	private record Mark(double x, String label, String colour) {
	}

}
