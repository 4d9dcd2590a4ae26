package com.loginetl.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import com.loginetl.deploy.DockerfileInstructions.Instruction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the Dockerfile's runtime stage assembles, rebuilt without Docker from the jar that
 * {@code mvn package} made: the Dockerfile's own extraction command, its layer copies into one
 * directory, and its ENTRYPOINT, which must start the application from there.
 */
class DockerImageLayersIT {

	private final DockerfileInstructions instructions = DockerfileInstructions
		.parse(DeployFiles.read(DeployFiles.file("Dockerfile")));

	private final Path jar = DeployFiles.file("target/login-etl.jar");

	@Test
	void theDockerfileCopiesEveryLayerTheJarHasInItsOrder() {
		Commands.Result layers = java("-Djarmode=tools", "-jar", this.jar.toString(), "list-layers");
		assertThat(layers.exitCode()).as(layers.describe()).isZero();

		assertThat(DockerfileTest.layersCopied(this.instructions)).isEqualTo(layers.stdout().strip().lines().toList());
	}

	@Test
	void theAssembledLayersRunTheEntrypoint(@TempDir Path dir) throws Exception {
		// The build stage's extraction, as the Dockerfile writes it, on this jar.
		Instruction extract = this.instructions.named("RUN")
			.stream()
			.filter((run) -> run.arguments().contains("-Djarmode=tools"))
			.findFirst()
			.orElseThrow();
		List<String> extractCommand = Arrays.stream(extract.arguments().split(" "))
			.map((argument) -> argument.replace("target/login-etl.jar", this.jar.toString())
				.replace("target/extracted", dir.resolve("extracted").toString()))
			.toList();
		Commands.Result extracted = Commands.run(extractCommand, dir, null, Duration.ofMinutes(2));
		assertThat(extracted.exitCode()).as(extracted.describe()).isZero();

		// The runtime stage's COPY of each layer into WORKDIR /app.
		Path app = Files.createDirectory(dir.resolve("app"));
		for (String layer : DockerfileTest.layersCopied(this.instructions)) {
			copyTree(dir.resolve("extracted").resolve(layer), app);
		}

		// The ENTRYPOINT, with /app where the layers landed, running the keygen tool.
		List<String> entrypoint = new ArrayList<>(List.of(JsonMapper.builder()
			.build()
			.readValue(this.instructions.finalStage().named("ENTRYPOINT").get(0).arguments(), String[].class)));
		entrypoint.replaceAll((argument) -> argument.replace("/app/", app + "/"));
		entrypoint.set(0, javaExecutable());
		entrypoint.add("keygen");
		Commands.Result keygen = Commands.run(entrypoint, app, null, Duration.ofMinutes(2));

		assertThat(keygen.exitCode()).as(keygen.describe()).isZero();
		assertThat(keygen.stdout()).contains("\"primaryKeyId\"", "AesSivKey");
	}

	private Commands.Result java(String... arguments) {
		List<String> command = new ArrayList<>(List.of(javaExecutable()));
		command.addAll(List.of(arguments));
		return Commands.run(command, DeployFiles.projectDir(), null, Duration.ofMinutes(2));
	}

	private static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

	private static void copyTree(Path from, Path to) throws IOException {
		try (Stream<Path> paths = Files.walk(from)) {
			for (Path source : paths.toList()) {
				Path target = to.resolve(from.relativize(source).toString());
				if (Files.isDirectory(source)) {
					Files.createDirectories(target);
				}
				else {
					Files.copy(source, target);
				}
			}
		}
	}

}
