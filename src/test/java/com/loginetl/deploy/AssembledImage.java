package com.loginetl.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.deploy.DockerfileInstructions.Instruction;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runtime stage of the Dockerfile rebuilt without Docker from the jar {@code mvn package}
 * made: its extraction command, its layer copies into one directory standing in for {@code /app},
 * its training run (with no database or queue reachable, as in a Docker build), and its ENTRYPOINT
 * as a command for this machine. Each step is read from the Dockerfile, so a change there is what
 * gets checked, and what the benchmark runs. The image's JVM (Java 25) makes an ahead-of-time cache
 * ({@code -XX:AOTCacheOutput}, {@code -XX:AOTCache}); a JVM before 25 has neither option, so on one
 * the same steps make and use a class-data-sharing archive instead ({@code -XX:ArchiveClassesAtExit},
 * {@code -XX:SharedArchiveFile}), as the image did on Java 17.
 *
 * @param app the directory standing in for the image's {@code /app}
 * @param entrypoint the ENTRYPOINT, with {@code /app} replaced by {@code app}
 * @param environment what the runtime stage's ENV instructions set, for the ENTRYPOINT's process as
 * for the training run's
 */
public record AssembledImage(Path app, List<String> entrypoint, Map<String, String> environment) {

	// Java 25's training runs a second JVM to write the cache; a loaded 2-core machine took over 3 minutes for 17's.
	private static final Duration STEP_TIMEOUT = Duration.ofMinutes(10);

	/** The Dockerfile's cache options, and what a JVM before 25 takes instead. */
	private static final Map<String, String> BEFORE_25 = Map.of("-XX:AOTCacheOutput=", "-XX:ArchiveClassesAtExit=",
			"-XX:AOTCache=", "-XX:SharedArchiveFile=", "/app/login-etl.aot", "/app/login-etl.jsa");

	/** Extracts, copies the layers and runs the training, all below {@code dir}, with this JVM. */
	public static AssembledImage assemble(Path directory) {
		return assemble(directory, javaHome(), List.of());
	}

	/**
	 * As {@link #assemble(Path)}, with the JDK or JRE at {@code javaHome}, and {@code jvmOptions} added
	 * to the training run and the ENTRYPOINT (an option such as {@code -XX:+UseCompactObjectHeaders}
	 * needs a cache made with it).
	 */
	public static AssembledImage assemble(Path directory, Path javaHome, List<String> jvmOptions) {
		Path dir = directory.toAbsolutePath();
		String java = javaHome.resolve("bin").resolve("java").toString();
		boolean before25 = featureVersion(javaHome) < 25;
		String options = jvmOptions.isEmpty() ? "" : String.join(" ", jvmOptions) + " ";
		DockerfileInstructions instructions = DockerfileInstructions
			.parse(DeployFiles.read(DeployFiles.file("Dockerfile")));
		Path jar = DeployFiles.file("target/login-etl.jar");
		try {
			Files.createDirectories(dir);
			// The build stage's extraction, as the Dockerfile writes it, on this jar.
			List<String> extract = new ArrayList<>(Arrays.stream(run(instructions, "-Djarmode=tools").split(" "))
				.map((argument) -> argument.replace("target/login-etl.jar", jar.toString())
					.replace("target/extracted", dir.resolve("extracted").toString()))
				.toList());
			extract.set(0, java);
			check(Commands.run(extract, dir, null, STEP_TIMEOUT));

			// The runtime stage's COPY of each layer into WORKDIR /app.
			Path app = Files.createDirectories(dir.resolve("app"));
			for (String layer : DockerfileTest.layersCopied(instructions)) {
				DeployFiles.copyTree(dir.resolve("extracted").resolve(layer), app);
			}

			// The training RUN through a shell, as Docker runs it: this JVM's java first on the
			// PATH (a cache only fits the JVM that made it) and none of this machine's service
			// settings, which would outrank the training profile.
			String training = cacheOptions(run(instructions, "-XX:AOTCacheOutput=")
				.replace("-XX:AOTCacheOutput=", options + "-XX:AOTCacheOutput="), before25)
				.replace("/tmp/", dir + "/")
				.replace("/app/", app + "/");
			Map<String, String> imageEnvironment = imageEnvironment(instructions);
			Map<String, String> environment = new HashMap<>(imageEnvironment);
			System.getenv().keySet().stream()
				.filter((name) -> name.startsWith("LOGINS_") || name.startsWith("SPRING_"))
				.forEach((name) -> environment.put(name, null));
			environment.put("PATH", javaHome.resolve("bin") + ":" + System.getenv("PATH"));
			check(Commands.run(List.of("sh", "-c", training), app, null, STEP_TIMEOUT, environment));

			List<String> entrypoint = new ArrayList<>(List.of(JsonMapper.builder()
				.build()
				.readValue(instructions.finalStage().named("ENTRYPOINT").get(0).arguments(), String[].class)));
			entrypoint.replaceAll((argument) -> cacheOptions(argument, before25).replace("/app/", app + "/"));
			entrypoint.set(0, java);
			entrypoint.addAll(1, jvmOptions);
			return new AssembledImage(app, List.copyOf(entrypoint), imageEnvironment);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The ahead-of-time cache (Java 25) or class-data-sharing archive (before 25) the training made. */
	public Path archive() {
		return this.entrypoint.stream()
			.filter((argument) -> argument.startsWith("-XX:AOTCache=") || argument.startsWith("-XX:SharedArchiveFile="))
			.map((argument) -> Path.of(argument.substring(argument.indexOf('=') + 1)))
			.findFirst()
			.orElseThrow();
	}

	/** The Java feature version (17, 25) of the JDK or JRE at {@code javaHome}, from its release file. */
	public static int featureVersion(Path javaHome) {
		try {
			String release = Files.readString(javaHome.resolve("release"));
			Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(release);
			if (!version.find()) {
				throw new IllegalStateException(javaHome.resolve("release") + " names no JAVA_VERSION");
			}
			return Integer.parseInt(version.group(1));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String cacheOptions(String text, boolean before25) {
		String result = text;
		if (before25) {
			for (Map.Entry<String, String> option : BEFORE_25.entrySet()) {
				result = result.replace(option.getKey(), option.getValue());
			}
		}
		return result;
	}

	/** The ENTRYPOINT with {@code jvmOptions} added before {@code -jar}, then {@code arguments}. */
	public List<String> command(List<String> jvmOptions, String... arguments) {
		List<String> command = new ArrayList<>(this.entrypoint);
		command.addAll(command.indexOf("-jar"), jvmOptions);
		command.addAll(List.of(arguments));
		return command;
	}

	/** What the runtime stage's ENV instructions set: the environment the image's processes start with. */
	static Map<String, String> imageEnvironment(DockerfileInstructions instructions) {
		return Map.copyOf(instructions.finalStage().environment());
	}

	/** The image's environment with {@code settings} on top, as {@code docker run --env} sets them. */
	public Map<String, String> environmentWith(Map<String, String> settings) {
		Map<String, String> environment = new HashMap<>(this.environment);
		environment.putAll(settings);
		return environment;
	}

	private static String run(DockerfileInstructions instructions, String containing) {
		return instructions.named("RUN")
			.stream()
			.map(Instruction::arguments)
			.filter((arguments) -> arguments.contains(containing))
			.findFirst()
			.orElseThrow(() -> new AssertionError("The Dockerfile has no RUN with " + containing));
	}

	private static void check(Commands.Result result) {
		if (result.exitCode() != 0) {
			throw new AssertionError(result.describe());
		}
	}

	private static Path javaHome() {
		return Path.of(System.getProperty("java.home"));
	}

}
