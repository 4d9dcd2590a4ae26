package com.loginetl.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of {@code /actuator/prometheus}, read strictly: a series that is not there is a test
 * failure, never a 0, so that a renamed or unregistered meter cannot pass a check by accident.
 * Where a series may rightly be absent until something happened (a rejection reason not seen yet),
 * a test says so with {@link #valueOrZero}.
 */
public final class PrometheusScrape {

	// name, optional {labels}, value; comments (# HELP, # TYPE) do not match
	private static final Pattern SAMPLE = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

	private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	private final List<Sample> samples;

	private PrometheusScrape(List<Sample> samples) {
		this.samples = samples;
	}

	/** Reads the text format; fails when it holds no sample at all (an error page, say). */
	public static PrometheusScrape parse(String text) {
		List<Sample> samples = new ArrayList<>();
		Matcher matcher = SAMPLE.matcher(text);
		while (matcher.find()) {
			samples.add(new Sample(matcher.group(1), labels(matcher.group(2)), Double.parseDouble(matcher.group(3))));
		}
		if (samples.isEmpty()) {
			throw new AssertionError("Not a Prometheus scrape (no samples): "
					+ text.substring(0, Math.min(text.length(), 300)));
		}
		return new PrometheusScrape(samples);
	}

	/** The sum of every series of {@code name}; fails when there is none. */
	public double value(String name) {
		return sum(name, null, null, false);
	}

	/** The series of {@code name} whose label {@code label} is {@code labelValue}; fails when there is none. */
	public double value(String name, String label, String labelValue) {
		return sum(name, label, labelValue, false);
	}

	/** As {@link #value(String)}, but 0 when the meter was never registered (nothing happened yet). */
	public double valueOrZero(String name) {
		return sum(name, null, null, true);
	}

	/** As {@link #value(String, String, String)}, but 0 when that series does not exist (yet). */
	public double valueOrZero(String name, String label, String labelValue) {
		return sum(name, label, labelValue, true);
	}

	/**
	 * The series of {@code name} that carry {@code label}, summed by its value: a histogram's
	 * cumulative buckets by {@code le}, say. Empty when there is none.
	 */
	public Map<String, Double> byLabel(String name, String label) {
		Map<String, Double> sums = new LinkedHashMap<>();
		for (Sample sample : this.samples) {
			if (sample.name().equals(name) && sample.labels().containsKey(label)) {
				sums.merge(sample.labels().get(label), sample.value(), Double::sum);
			}
		}
		return sums;
	}

	private double sum(String name, String label, String labelValue, boolean absentIsZero) {
		double total = 0;
		boolean found = false;
		for (Sample sample : this.samples) {
			if (sample.name().equals(name) && (label == null || labelValue.equals(sample.labels().get(label)))) {
				total += sample.value();
				found = true;
			}
		}
		if (!found && !absentIsZero) {
			throw new AssertionError("No series " + name + ((label != null) ? "{" + label + "=\"" + labelValue + "\"}" : "")
					+ " in the scrape; series of that meter: " + seriesNamed(name));
		}
		return total;
	}

	private List<String> seriesNamed(String name) {
		String family = name.replaceAll("_(total|count|sum|max|bucket)$", "");
		return this.samples.stream()
			.filter((sample) -> sample.name().startsWith(family))
			.map((sample) -> sample.name() + sample.labels())
			.distinct()
			.limit(20)
			.toList();
	}

	private static Map<String, String> labels(String text) {
		if (text == null) {
			return Map.of();
		}
		Map<String, String> labels = new LinkedHashMap<>();
		Matcher matcher = LABEL.matcher(text);
		while (matcher.find()) {
			labels.put(matcher.group(1), matcher.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
		}
		return labels;
	}

	private record Sample(String name, Map<String, String> labels, double value) {
	}

}
