package com.loginetl.deploy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.loginetl.deploy.DockerfileInstructions.Instruction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile, checked without a Docker engine: {@link DockerfileLint} finds no syntax
 * problem, npm's dockerfile-utils (the linter of VS Code's Docker support; with the external
 * tools only) finds none either and finds what DockerfileLint finds in a broken copy, and its
 * instructions say what the image must be.
 */
class DockerfileTest {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final String dockerfile = DeployFiles.read(DeployFiles.file("Dockerfile"));

	private final DockerfileInstructions instructions = DockerfileInstructions.parse(this.dockerfile);

	@Test
	void theLintFindsNoProblem() {
		assertThat(DockerfileLint.lint(this.dockerfile)).isEmpty();
	}

	@Test
	void theLintCatchesABrokenDockerfile() {
		List<String> both = new ArrayList<>(PROBLEMS_BOTH_FIND);
		both.addAll(PROBLEMS_ONLY_THE_LINT_FINDS);
		assertThat(DockerfileLint.lint(brokenForTheLint())).extracting(DockerfileLint.Problem::message)
			.containsExactlyInAnyOrderElementsOf(both);
	}

	@Test
	@ExternalTools
	void dockerfileUtilsFindsWhatTheLintFinds(@TempDir Path dir) throws Exception {
		Path broken = dir.resolve("Dockerfile");
		Files.writeString(broken, brokenForTheLint());

		Commands.Result lint = lint(broken);

		assertThat(problems(lint)).extracting((problem) -> (String) problem.get("message"))
			.as(lint.describe())
			.containsExactlyInAnyOrderElementsOf(PROBLEMS_BOTH_FIND);
	}

	/** What DockerfileLint and dockerfile-utils both find in {@link #brokenForTheLint()}, in dockerfile-utils' words. */
	private static final List<String> PROBLEMS_BOTH_FIND = List.of("Unknown instruction: ENTRYPIONT",
			"Unknown flag: form", "Invalid proto: tpc", "Instructions should be written in uppercase letters",
			"WORKDIR paths should be absolute",
			"There can only be one CMD instruction in a Dockerfile or build stage. Only the last one will have an effect.",
			"Instruction written as a JSON array but is using single quotes instead of double quotes");

	/** What only DockerfileLint finds there: dockerfile-utils checks neither the port's range nor the stage's name. */
	private static final List<String> PROBLEMS_ONLY_THE_LINT_FINDS = List.of("COPY --from=bulid names no earlier stage",
			"Invalid containerPort: 80800");

	/** The Dockerfile with one mistake for each problem above. */
	private String brokenForTheLint() {
		return this.dockerfile.replace("ENTRYPOINT [", "ENTRYPIONT [")
			.replace("COPY --from=build /build/target/extracted/dependencies/",
					"COPY --form=build /build/target/extracted/dependencies/")
			.replace("--from=build /build/target/extracted/application/",
					"--from=bulid /build/target/extracted/application/")
			.replace("EXPOSE 8080", "EXPOSE 8080/tpc\nexpose 80800")
			.replace("WORKDIR /app", "WORKDIR app")
			.replace("USER 10001:10001", "USER 10001:10001\nCMD [\"keygen\"]\nCMD ['keygen']");
	}

	@Test
	@ExternalTools
	void dockerfileUtilsFindsNoProblem() {
		Commands.Result lint = lint(DeployFiles.file("Dockerfile"));
		assertThat(lint.exitCode()).as(lint.describe()).isZero();
		assertThat(problems(lint)).as(lint.describe()).isEmpty();
	}

	@Test
	@ExternalTools
	void dockerfileUtilsCatchesABrokenDockerfile(@TempDir Path dir) throws Exception {
		Path broken = dir.resolve("Dockerfile");
		Files.writeString(broken, this.dockerfile.replace("ENTRYPOINT [", "ENTRYPIONT [")
			.replace("COPY --from=build", "COPY --form=build"));

		Commands.Result lint = lint(broken);

		assertThat(lint.exitCode()).as(lint.describe()).isEqualTo(1);
		assertThat(problems(lint)).extracting((problem) -> problem.get("message"))
			.contains("Unknown instruction: ENTRYPIONT", "Unknown flag: form");
	}

	@Test
	void buildsWithMavenThenRunsOnAJre() {
		List<Instruction> stages = this.instructions.named("FROM");
		assertThat(stages).hasSize(2);
		assertThat(stages.get(0).arguments()).matches("maven:\\S*temurin-17\\S* AS build");
		assertThat(stages.get(1).arguments()).matches("eclipse-temurin:25-jre\\S*");
		assertThat(this.instructions.named("RUN").get(0).arguments()).contains("mvn ", "package");
	}

	@Test
	void startsFromTheAheadOfTimeCacheItsTrainingRunMakes() throws Exception {
		// the runtime stage's JVM makes the cache, so that it fits the JVM that reads it
		assertThat(this.instructions.finalStage().named("RUN")).extracting(Instruction::arguments)
			.anyMatch((run) -> run.contains("-XX:AOTCacheOutput=/app/login-etl.aot")
					&& run.contains("test -s /app/login-etl.aot"));
		List<String> command = List.of(JSON.readValue(
				this.instructions.finalStage().named("ENTRYPOINT").get(0).arguments(), String[].class));
		assertThat(command).contains("-XX:AOTCache=/app/login-etl.aot")
			.noneMatch((argument) -> argument.startsWith("-XX:SharedArchiveFile="));
	}

	@Test
	void runsAsANumericNonRootUser() {
		List<Instruction> users = this.instructions.finalStage().named("USER");
		assertThat(users).hasSize(1);
		Matcher user = Pattern.compile("(\\d+):(\\d+)").matcher(users.get(0).arguments());
		assertThat(user.matches()).as("USER is numeric, so runAsNonRoot can check it").isTrue();
		assertThat(Integer.parseInt(user.group(1))).isNotZero();
		// The chart's securityContext runs as the same user.
		assertThat(DeployFiles.read(DeployFiles.chart().resolve("values.yaml")))
			.contains("runAsUser: " + user.group(1), "runAsGroup: " + user.group(2));
	}

	@Test
	void entrypointIsExecFormJavaWithContainerAwareMemory() throws Exception {
		List<Instruction> entrypoints = this.instructions.finalStage().named("ENTRYPOINT");
		assertThat(entrypoints).hasSize(1);
		// Exec form is a JSON array: the JVM is PID 1 and gets SIGTERM, no shell in between.
		List<String> command = List.of(JSON.readValue(entrypoints.get(0).arguments(), String[].class));
		assertThat(command.get(0)).isEqualTo("java");
		assertThat(command).anyMatch((argument) -> argument.startsWith("-XX:MaxRAMPercentage="))
			.noneMatch((argument) -> argument.startsWith("-Xmx"))
			.endsWith("-jar", "/app/login-etl.jar")
			.doesNotContain("sh", "/bin/sh", "bash");
		assertThat(this.instructions.finalStage().named("CMD")).isEmpty();
	}

	@Test
	void startsWithTheMemoryOptionsItsTrainingRunAlsoHas() throws Exception {
		// peak RSS 305 against 389 MiB (docs/deployment.md): Serial GC, native-heap trim, a small initial heap
		List<String> memoryOptions = List.of("-XX:+UseSerialGC", "-XX:TrimNativeHeapInterval=5000", "-Xms64m");
		List<String> command = List.of(JSON.readValue(
				this.instructions.finalStage().named("ENTRYPOINT").get(0).arguments(), String[].class));
		assertThat(command.subList(0, command.indexOf("-jar"))).containsAll(memoryOptions);
		// Java 25 drops the code part of a cache made with another collector
		assertThat(this.instructions.finalStage().named("RUN")).extracting(Instruction::arguments)
			.filteredOn((run) -> run.contains("-XX:AOTCacheOutput="))
			.singleElement()
			.satisfies((run) -> assertThat(run.split("\\s+")).containsAll(memoryOptions));
		// glibc's arenas: two instead of up to 8 per CPU
		assertThat(this.instructions.finalStage().environment()).containsEntry("MALLOC_ARENA_MAX", "2");
	}

	@Test
	void exposesTheServiceAndManagementPorts() {
		assertThat(this.instructions.finalStage().named("EXPOSE")).extracting(Instruction::arguments)
			.containsExactly("8080 8081");
		assertThat(DeployFiles.read(DeployFiles.file("src/main/resources/application.yaml")))
			.contains("server:\n  # ")
			.contains("\n  port: 8080\n  shutdown: graceful")
			.contains("management:\n  server:\n")
			.contains("\n    port: 8081\n  endpoints:");
	}

	@Test
	void copiesSpringBootLayersFromLeastToMostOftenChanged() {
		List<String> layers = layersCopied(this.instructions);
		assertThat(layers).containsExactly("dependencies", "spring-boot-loader", "snapshot-dependencies",
				"application");
		assertThat(this.instructions.finalStage().named("WORKDIR")).extracting(Instruction::arguments)
			.containsExactly("/app");
	}

	@Test
	void buildContextLeavesOutTestsAndLocalKeysets() {
		List<String> rules = DeployFiles.read(DeployFiles.file(".dockerignore"))
			.lines()
			.map(String::strip)
			.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
			.toList();
		// Everything is excluded, then only the build's inputs are let back in.
		assertThat(rules).containsExactly("*", "!pom.xml", "!src/", "src/test/");
		assertThat(this.instructions.named("COPY").get(0).arguments()).isEqualTo("pom.xml ./");
		assertThat(this.instructions.named("COPY").get(1).arguments()).isEqualTo("src/main ./src/main");
	}

	/** The layer directories the final stage copies from the build stage, in order. */
	static List<String> layersCopied(DockerfileInstructions instructions) {
		Pattern layer = Pattern.compile("--from=build /build/target/extracted/([a-z-]+)/ \\./");
		return instructions.finalStage().named("COPY").stream().map((copy) -> layer.matcher(copy.arguments())).filter(Matcher::matches).map((matcher) -> matcher.group(1)).toList();
	}

	private static Commands.Result lint(Path dockerfile) {
		return NodeTools.node("node_modules/dockerfile-utils/bin/dockerfile-utils", null, "lint", "--json",
				dockerfile.toString());
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> problems(Commands.Result lint) {
		return JSON.readValue(lint.stdout().strip(), List.class);
	}

}
