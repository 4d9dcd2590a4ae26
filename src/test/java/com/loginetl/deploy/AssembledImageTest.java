package com.loginetl.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The environment an {@link AssembledImage} gives the processes it starts: the runtime stage's ENV,
 * which Docker sets and a command line on this machine would not.
 */
class AssembledImageTest {

	@Test
	void theImagesEnvironmentIsTheRuntimeStagesEnv() {
		DockerfileInstructions dockerfile = DockerfileInstructions.parse(DeployFiles.read(DeployFiles.file("Dockerfile")));

		assertThat(AssembledImage.imageEnvironment(dockerfile)).containsEntry("MALLOC_ARENA_MAX", "2");
	}

	@Test
	void whatAProcessIsGivenGoesOnTopOfTheImagesEnvironment() {
		AssembledImage image = new AssembledImage(Path.of("app"), List.of("java", "-jar", "app/login-etl.jar"),
				Map.of("MALLOC_ARENA_MAX", "2", "TZ", "UTC"));

		assertThat(image.environmentWith(Map.of("MALLOC_ARENA_MAX", "4", "LOGINS_QUEUE", "q")))
			.containsExactlyInAnyOrderEntriesOf(Map.of("MALLOC_ARENA_MAX", "4", "TZ", "UTC", "LOGINS_QUEUE", "q"));
	}

	@Test
	void envIsReadInBothFormsAndOnlyFromTheLastStage() {
		DockerfileInstructions dockerfile = DockerfileInstructions.parse("""
				FROM maven AS build
				ENV BUILD_ONLY=1
				FROM eclipse-temurin:25-jre
				ENV A=1 B=two
				ENV C three words
				""");

		assertThat(AssembledImage.imageEnvironment(dockerfile))
			.containsExactlyInAnyOrderEntriesOf(Map.of("A", "1", "B", "two", "C", "three words"));
	}

	@Test
	void envWithQuotesOrVariablesIsRefusedRatherThanMisread() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DockerfileInstructions.parse("FROM x\nENV A=\"a b\"\n").environment())
			.withMessageContaining("line 2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> DockerfileInstructions.parse("FROM x\nENV PATH=$PATH:/app\n").environment());
	}

}
