package com.loginetl.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Prometheus histogram as /actuator/prometheus shows it: cumulative counts per upper bound
 * ({@code NAME_bucket{...,le="0.25"} 7}). Two scrapes subtract to the observations between them,
 * and quantiles are estimated as Prometheus's histogram_quantile does: linearly between the bounds
 * of the bucket the rank falls in. An estimate is only as fine as those bounds, so each one comes
 * with them.
 *
 * @param bounds the buckets' upper bounds, ascending, the last one +Inf
 * @param cumulative observations at or below each bound
 */
record Histogram(double[] bounds, double[] cumulative) {

	private static final Pattern LE = Pattern.compile("le=\"([^\"]+)\"");

	/** The histogram {@code name} (for example {@code logins_lag_seconds}) in a scrape. */
	static Histogram parse(String scrape, String name) {
		Map<Double, Double> buckets = new TreeMap<>();
		Pattern line = Pattern.compile("(?m)^" + Pattern.quote(name + "_bucket") + "\\{([^}]*)\\} (\\S+)$");
		Matcher matcher = line.matcher(scrape);
		while (matcher.find()) {
			Matcher le = LE.matcher(matcher.group(1));
			if (le.find()) {
				double bound = le.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le.group(1));
				buckets.merge(bound, Double.parseDouble(matcher.group(2)), Double::sum);
			}
		}
		double[] bounds = new double[buckets.size()];
		double[] cumulative = new double[buckets.size()];
		int i = 0;
		for (Map.Entry<Double, Double> bucket : buckets.entrySet()) {
			bounds[i] = bucket.getKey();
			cumulative[i++] = bucket.getValue();
		}
		return new Histogram(bounds, cumulative);
	}

	/** The observations made after {@code earlier} was scraped. */
	Histogram minus(Histogram earlier) {
		double[] difference = this.cumulative.clone();
		for (int i = 0; i < this.bounds.length; i++) {
			int j = indexOf(earlier.bounds, this.bounds[i]);
			if (j >= 0) {
				difference[i] -= earlier.cumulative[j];
			}
		}
		return new Histogram(this.bounds, difference);
	}

	double count() {
		return (this.cumulative.length == 0) ? 0 : this.cumulative[this.cumulative.length - 1];
	}

	/** The q-quantile (0 < q < 1), or null without observations. */
	Quantile quantile(double q) {
		double total = count();
		if (total <= 0) {
			return null;
		}
		double rank = q * total;
		for (int i = 0; i < this.bounds.length; i++) {
			if (this.cumulative[i] >= rank) {
				double lower = (i == 0) ? 0 : this.bounds[i - 1];
				double below = (i == 0) ? 0 : this.cumulative[i - 1];
				double upper = this.bounds[i];
				if (Double.isInfinite(upper)) {
					// beyond the largest finite bound: only "at least" is known
					return new Quantile(lower, lower, upper);
				}
				double inBucket = this.cumulative[i] - below;
				double value = lower + (upper - lower) * ((inBucket > 0) ? (rank - below) / inBucket : 1);
				return new Quantile(value, lower, upper);
			}
		}
		return null;
	}

	/** The finite bounds between {@code from} and {@code to} seconds, to show how fine the buckets are. */
	List<Double> boundsBetween(double from, double to) {
		List<Double> between = new ArrayList<>();
		for (double bound : this.bounds) {
			if (bound >= from && bound <= to) {
				between.add(bound);
			}
		}
		return between;
	}

	private static int indexOf(double[] values, double value) {
		for (int i = 0; i < values.length; i++) {
			if (values[i] == value) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * An estimated quantile and the bucket it lies in.
	 *
	 * @param value the estimate, in the histogram's unit (seconds)
	 * @param lower the bucket's lower bound
	 * @param upper the bucket's upper bound (+Inf: the estimate is only a lower limit)
	 */
	record Quantile(double value, double lower, double upper) {

		Map<String, Object> toMap() {
			Map<String, Object> map = new java.util.LinkedHashMap<>();
			map.put("seconds", this.value);
			map.put("bucket_lower_s", this.lower);
			map.put("bucket_upper_s", Double.isInfinite(this.upper) ? "+Inf" : this.upper);
			return map;
		}

		@Override
		public String toString() {
			String bucket = Double.isInfinite(this.upper) ? String.format("above %.3f s, the largest bound", this.lower)
					: String.format("bucket %.3f-%.3f s", this.lower, this.upper);
			return String.format("%.0f ms (%s)", this.value * 1000, bucket);
		}

	}

}
