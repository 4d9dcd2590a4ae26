package com.loginetl.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

import com.loginetl.support.PrometheusScrape;

/**
 * One Prometheus histogram of a scrape: cumulative counts per upper bound (its {@code le} buckets).
 * Two scrapes subtract to the observations between them, and quantiles are estimated as
 * Prometheus's histogram_quantile does: linearly between the bounds of the bucket the rank falls
 * in. An estimate is only as fine as those bounds, so each one comes with them. (HdrHistogram
 * records values; it cannot rebuild them from buckets.)
 *
 * @param cumulative observations at or below each upper bound, the last one +Inf
 */
record Histogram(NavigableMap<Double, Double> cumulative) {

	/** The histogram {@code name} (for example {@code logins_lag_seconds}) in a scrape. */
	static Histogram of(PrometheusScrape scrape, String name) {
		NavigableMap<Double, Double> buckets = new TreeMap<>();
		scrape.byLabel(name + "_bucket", "le")
			.forEach((le, count) -> buckets.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), count));
		return new Histogram(buckets);
	}

	/** The observations made after {@code earlier} was scraped. */
	Histogram minus(Histogram earlier) {
		NavigableMap<Double, Double> difference = new TreeMap<>();
		this.cumulative.forEach((bound, count) -> difference.put(bound, count - earlier.cumulative.getOrDefault(bound, 0.0)));
		return new Histogram(difference);
	}

	double count() {
		return this.cumulative.isEmpty() ? 0 : this.cumulative.lastEntry().getValue();
	}

	/** The q-quantile (0 < q < 1), or null without observations. */
	Quantile quantile(double q) {
		if (count() <= 0) {
			return null;
		}
		double rank = q * count();
		double lower = 0;
		double below = 0;
		for (Map.Entry<Double, Double> bucket : this.cumulative.entrySet()) {
			double upper = bucket.getKey();
			if (bucket.getValue() >= rank) {
				// beyond the largest finite bound only "at least" is known
				double inBucket = bucket.getValue() - below;
				return Double.isInfinite(upper) ? new Quantile(lower, lower, upper)
						: new Quantile(lower + (upper - lower) * ((inBucket > 0) ? (rank - below) / inBucket : 1), lower, upper);
			}
			lower = upper;
			below = bucket.getValue();
		}
		return null;
	}

	/** The finite bounds between {@code from} and {@code to} seconds, to show how fine the buckets are. */
	List<Double> boundsBetween(double from, double to) {
		return List.copyOf(this.cumulative.subMap(from, true, to, true).keySet());
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
			return Benchmark.ordered("seconds", this.value, "bucket_lower_s", this.lower, "bucket_upper_s",
					Double.isInfinite(this.upper) ? "+Inf" : this.upper);
		}

		@Override
		public String toString() {
			String bucket = Double.isInfinite(this.upper) ? String.format(Locale.ROOT, "above %.3f s, the largest bound", this.lower)
					: String.format(Locale.ROOT, "bucket %.3f-%.3f s", this.lower, this.upper);
			return String.format(Locale.ROOT, "%.0f ms (%s)", this.value * 1000, bucket);
		}

	}

}
