package com.loginetl.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The machine's 1-minute load average, sampled during the run, for the record. */
final class Load {

	private final List<Double> samples = new ArrayList<>();

	void sample() {
		double value = read();
		if (value >= 0) {
			this.samples.add(value);
		}
	}

	String last() {
		return this.samples.isEmpty() ? "?" : String.format(Locale.ROOT, "%.1f", this.samples.get(this.samples.size() - 1));
	}

	String describe() {
		if (this.samples.isEmpty()) {
			return "not sampled";
		}
		List<Double> sorted = new ArrayList<>(this.samples);
		sorted.sort(null);
		return String.format(Locale.ROOT, "min %.1f, median %.1f, max %.1f (%d samples, one a minute)", sorted.get(0),
				sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1), sorted.size());
	}

	private static double read() {
		try {
			return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

}
