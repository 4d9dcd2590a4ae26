package com.loginetl.soak;

import java.nio.file.Path;
import java.time.Duration;

/**
 * What one soak run does, from {@code -Dsoak.*} system properties (the {@code soak} Maven profile
 * passes them on; docs/soak.md describes each).
 *
 * @param length how long faults are injected and events sent, before everything heals
 * @param seed the seed of the fault schedule; the same seed gives the same schedule
 * @param services service processes consuming the one queue
 * @param validPerSecond valid events the producer sends each second
 * @param invalidPerSecond invalid messages the producer sends each second
 * @param heal longest wait, once the faults end, for every message to be settled
 * @param outputDir where the report goes, beside the services' logs in target/test-output
 */
record SoakSettings(Duration length, long seed, int services, int validPerSecond, int invalidPerSecond, Duration heal,
		Path outputDir) {

	static SoakSettings fromSystemProperties() {
		String seed = System.getProperty("soak.seed", "");
		SoakSettings settings = new SoakSettings(Duration.ofSeconds(Math.round(doubleProperty("soak.minutes", 30) * 60)),
				seed.isBlank() ? System.currentTimeMillis() % 1_000_000 : Long.parseLong(seed.trim()),
				intProperty("soak.services", 2), intProperty("soak.validPerSecond", 20),
				intProperty("soak.invalidPerSecond", 2), Duration.ofMinutes(intProperty("soak.healMinutes", 10)),
				Path.of(System.getProperty("soak.outputDir", "target/soak")));
		if (settings.length.toSeconds() < 60) {
			throw new IllegalArgumentException("soak.minutes must be at least 1");
		}
		if (settings.services < 2) {
			throw new IllegalArgumentException("soak.services must be at least 2: the soak is about several consumers of one queue");
		}
		if (settings.validPerSecond < 1 || settings.invalidPerSecond < 0) {
			throw new IllegalArgumentException("soak.validPerSecond must be at least 1 and soak.invalidPerSecond at least 0");
		}
		return settings;
	}

	private static int intProperty(String name, int fallback) {
		String value = System.getProperty(name, "");
		return value.isBlank() ? fallback : Integer.parseInt(value.trim());
	}

	private static double doubleProperty(String name, double fallback) {
		String value = System.getProperty(name, "");
		return value.isBlank() ? fallback : Double.parseDouble(value.trim());
	}

}
