package com.loginetl.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.loginetl.support.SampleEvents;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the Dockerfile's runtime stage assembles, rebuilt without Docker ({@link AssembledImage}):
 * its layers, its class-data-sharing archive trained with nothing to connect to, and its
 * ENTRYPOINT, which must start the application from there and use the archive.
 */
class DockerImageLayersIT {

	@TempDir
	static Path dir;

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static AssembledImage image;

	private final DockerfileInstructions instructions = DockerfileInstructions
		.parse(DeployFiles.read(DeployFiles.file("Dockerfile")));

	@BeforeAll
	static void assemble() {
		// The image every service of the tests starts from: assembled once for all of them.
		image = ServiceProcess.image();
	}

	@Test
	void theDockerfileCopiesEveryLayerTheJarHasInItsOrder() {
		List<String> command = List.of(java(), "-Djarmode=tools", "-jar",
				DeployFiles.file("target/login-etl.jar").toString(), "list-layers");
		Commands.Result layers = Commands.run(command, DeployFiles.projectDir(), null, Duration.ofMinutes(2));
		assertThat(layers.exitCode()).as(layers.describe()).isZero();

		assertThat(DockerfileTest.layersCopied(this.instructions)).isEqualTo(layers.stdout().strip().lines().toList());
	}

	@Test
	void theEntrypointRunsTheKeyTools() {
		Commands.Result keygen = Commands.run(image.command(List.of(), "keygen"), image.app(), null,
				Duration.ofMinutes(2), image.environment());

		assertThat(keygen.exitCode()).as(keygen.describe()).isZero();
		assertThat(JSON.readTree(keygen.stdout()).path("key").get(0).path("keyData").path("typeUrl").asString())
			.endsWith("AesSivKey");
	}

	@Test
	void anArchiveThatDoesNotFitIsSkippedWithAWarningThatStaysOffStdout() throws Exception {
		// The same files elsewhere: the archive records where the jar was, so it no longer fits.
		Path moved = dir.resolve("moved");
		DeployFiles.copyTree(image.app(), moved);
		List<String> command = image.command(List.of(), "keygen");
		command.set(command.indexOf("-jar") + 1, moved.resolve("login-etl.jar").toString());

		Commands.Result keygen = Commands.run(command, moved, null, Duration.ofMinutes(2), image.environment());

		assertThat(keygen.exitCode()).as(keygen.describe()).isZero();
		// Java 17's words for a class-data-sharing archive, Java 25's for an AOT cache
		assertThat(keygen.stderr()).containsAnyOf("Unable to use shared archive", "Unable to map shared spaces");
		assertThat(JSON.readTree(keygen.stdout()).path("primaryKeyId").isNumber()).as(keygen.stdout()).isTrue();
	}

	@Test
	void theEntrypointStartsTheServiceFromTheTrainedArchive() throws Exception {
		assertThat(image.archive()).isNotEmptyFile();
		Scenario scenario = Scenario.create("image");
		Path classLog = dir.resolve("class-load.log");
		// -Xshare:on makes an archive that does not fit this jar and JVM an error instead of a
		// silent fallback; the class-load log says where each class came from.
		List<String> command = image.command(List.of("-Xmx256m", "-Xshare:on",
				"-Xlog:class+load=info:file=" + classLog));

		try (ServiceProcess service = ServiceProcess.start(command, image.environmentWith(scenario.environment()))) {
			service.awaitReady(Duration.ofSeconds(240));
			// the image's ENV (MALLOC_ARENA_MAX) reaches the JVM as it does in a container
			List<String> imageEnvironment = image.environment()
				.entrySet()
				.stream()
				.map((env) -> env.getKey() + "=" + env.getValue())
				.toList();
			assertThat(Files.readString(Path.of("/proc", Long.toString(service.pid()), "environ")).split("\0"))
				.containsAll(imageEnvironment)
				.contains("MALLOC_ARENA_MAX=2");
			scenario.queues().send(SampleEvents.event("image-user", "2.3.0", "ios", "10.0.0.1", "EN", "593-47-5928"));
			await().atMost(Duration.ofSeconds(30)).until(() -> scenario.workload().rows() == 1);
			assertThat(service.output()).contains("Successfully applied").doesNotContain("cds-training");
		}

		List<String> ours = Files.readAllLines(classLog)
			.stream()
			.filter((line) -> line.contains(" com.loginetl.ingest.") || line.contains(" com.loginetl.masking."))
			.toList();
		assertThat(ours).isNotEmpty()
			.anyMatch((line) -> line.contains("LoginEventListener source: shared objects file"))
			.anyMatch((line) -> line.contains("PiiMasker source: shared objects file"));
	}

	private static String java() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
