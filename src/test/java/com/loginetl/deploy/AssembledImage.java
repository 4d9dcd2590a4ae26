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

import com.loginetl.deploy.DockerfileInstructions.Instruction;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runtime stage of the Dockerfile rebuilt without Docker from the jar {@code mvn package}
 * made: its extraction command, its layer copies into one directory standing in for {@code /app},
 * its class-data-sharing training run (with no database or queue reachable, as in a Docker build),
 * and its ENTRYPOINT as a command for this machine. Each step is read from the Dockerfile, so a
 * change there is what gets checked, and what the benchmark runs.
 *
 * @param app the directory standing in for the image's {@code /app}
 * @param entrypoint the ENTRYPOINT, with {@code /app} replaced by {@code app}
 */
public record AssembledImage(Path app, List<String> entrypoint) {

	private static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

	/** Extracts, copies the layers and runs the training, all below {@code dir}. */
	public static AssembledImage assemble(Path directory) {
		Path dir = directory.toAbsolutePath();
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
			extract.set(0, java());
			check(Commands.run(extract, dir, null, STEP_TIMEOUT));

			// The runtime stage's COPY of each layer into WORKDIR /app.
			Path app = Files.createDirectories(dir.resolve("app"));
			for (String layer : DockerfileTest.layersCopied(instructions)) {
				DeployFiles.copyTree(dir.resolve("extracted").resolve(layer), app);
			}

			// The training RUN through a shell, as Docker runs it: this JVM's java first on the
			// PATH (an archive only fits the JVM that made it) and none of this machine's service
			// settings, which would outrank the training profile.
			String training = run(instructions, "-XX:ArchiveClassesAtExit").replace("/tmp/", dir + "/")
				.replace("/app/", app + "/");
			Map<String, String> environment = new HashMap<>();
			System.getenv().keySet().stream()
				.filter((name) -> name.startsWith("LOGINS_") || name.startsWith("SPRING_"))
				.forEach((name) -> environment.put(name, null));
			environment.put("PATH", javaHome().resolve("bin") + ":" + System.getenv("PATH"));
			check(Commands.run(List.of("sh", "-c", training), app, null, STEP_TIMEOUT, environment));

			List<String> entrypoint = new ArrayList<>(List.of(JsonMapper.builder()
				.build()
				.readValue(instructions.finalStage().named("ENTRYPOINT").get(0).arguments(), String[].class)));
			entrypoint.replaceAll((argument) -> argument.replace("/app/", app + "/"));
			entrypoint.set(0, java());
			return new AssembledImage(app, List.copyOf(entrypoint));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The class-data-sharing archive the training made. */
	public Path archive() {
		return this.app.resolve("login-etl.jsa");
	}

	/** The ENTRYPOINT with {@code jvmOptions} added before {@code -jar}, then {@code arguments}. */
	public List<String> command(List<String> jvmOptions, String... arguments) {
		List<String> command = new ArrayList<>(this.entrypoint);
		command.addAll(command.indexOf("-jar"), jvmOptions);
		command.addAll(List.of(arguments));
		return command;
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

	private static String java() {
		return javaHome().resolve("bin").resolve("java").toString();
	}

}
