package com.loginetl.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.loginetl.deploy.AssembledImage;

/**
 * A JDK the service contender runs on, from one entry of {@code bench.java}: a feature version
 * ({@code 25}: the running JDK if it is one, else the first in /usr/lib/jvm) or a JDK home, and
 * JVM options after it ({@code 25 -XX:+UseCompactObjectHeaders}) that its image's cache is made
 * with and that every start of it gets.
 *
 * @param name how the table and results.json name it: the version and the options
 * @param home the JDK's home
 * @param feature its feature version
 * @param options JVM options of this runtime, on top of {@code bench.serviceJvmOptions}
 */
record JavaRuntime(String name, Path home, int feature, List<String> options) {

	private static final Path JVMS = Path.of("/usr/lib/jvm");

	/** {@code 17,25,25 -XX:+UseCompactObjectHeaders}; empty means the running JDK only. */
	static List<JavaRuntime> parse(String value) {
		List<JavaRuntime> runtimes = new ArrayList<>();
		for (String entry : (value.isBlank() ? Runtime.version().feature() + "" : value).split(",")) {
			List<String> words = Arrays.stream(entry.strip().split("\\s+")).filter((word) -> !word.isEmpty()).toList();
			if (words.isEmpty()) {
				continue;
			}
			Path home = home(words.get(0));
			int feature = AssembledImage.featureVersion(home);
			List<String> options = words.subList(1, words.size());
			String name = Stream.concat(Stream.of(Integer.toString(feature)),
					options.stream().map((option) -> option.replaceFirst("^-XX:[+]?", "")))
				.collect(Collectors.joining(" "));
			if (runtimes.stream().anyMatch((runtime) -> runtime.name().equals(name))) {
				throw new IllegalArgumentException("bench.java names " + name + " twice");
			}
			runtimes.add(new JavaRuntime(name, home, feature, List.copyOf(options)));
		}
		return List.copyOf(runtimes);
	}

	Path java() {
		return this.home.resolve("bin").resolve("java");
	}

	/** How the image's ENTRYPOINT starts on this JDK: from an AOT cache on 25, a CDS archive before. */
	String imageStart() {
		return (this.feature >= 25) ? "AOT cache" : "CDS archive";
	}

	String describe() {
		return this.name + " (" + version() + ", " + this.home + "; as the image starts: " + imageStart() + ")";
	}

	private String version() {
		return Benchmark.firstMatch(this.home.resolve("release"), "(?m)^JAVA_RUNTIME_VERSION=\"([^\"]+)");
	}

	private static Path home(String versionOrHome) {
		if (!versionOrHome.matches("\\d+")) {
			Path home = Path.of(versionOrHome).toAbsolutePath();
			if (!Files.isRegularFile(home.resolve("release")) || !Files.isExecutable(home.resolve("bin/java"))) {
				throw new IllegalArgumentException("bench.java: " + home + " is not a JDK home (no release, bin/java)");
			}
			return home;
		}
		int feature = Integer.parseInt(versionOrHome);
		Path running = Path.of(System.getProperty("java.home"));
		if (Runtime.version().feature() == feature) {
			return running;
		}
		try (Stream<Path> homes = Files.list(JVMS)) {
			return homes.sorted()
				.filter((home) -> Files.isRegularFile(home.resolve("release")) && Files.isExecutable(home.resolve("bin/java")))
				.filter((home) -> AssembledImage.featureVersion(home) == feature)
				.findFirst()
				.orElseThrow(() -> new IllegalArgumentException(
						"bench.java: no JDK " + feature + " in " + JVMS + "; give its home instead"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
