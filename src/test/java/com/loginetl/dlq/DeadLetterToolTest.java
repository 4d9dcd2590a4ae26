package com.loginetl.dlq;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The {@code dlq} commands' arguments and reason filter; SQS is never reached here. */
class DeadLetterToolTest {

	@Test
	void redriveTakesRepeatedReasonsALimitADryRunAndSpringSettings() {
		DeadLetterTool.Options options = DeadLetterTool.Options.parse(List.of("redrive", "--reason", "not_json",
				"--reason=database_rejected:*", "--limit", "50", "--dry-run", "--visibility-timeout=2m",
				"--logins.dead-letter-queue=other-dlq"));
		assertThat(options.command()).isEqualTo("redrive");
		assertThat(options.filter().patterns()).containsExactly("not_json", "database_rejected:*");
		assertThat(options.limit()).isEqualTo(50);
		assertThat(options.dryRun()).isTrue();
		assertThat(options.visibility()).isEqualTo(Duration.ofMinutes(2));
		assertThat(options.springArgs()).containsExactly("--logins.dead-letter-queue=other-dlq");

		DeadLetterTool.Options defaults = DeadLetterTool.Options.parse(List.of("stats"));
		assertThat(defaults.filter().matches("anything")).isTrue();
		assertThat(defaults.limit()).isEqualTo(Long.MAX_VALUE);
		assertThat(defaults.visibility()).isEqualTo(Duration.ofSeconds(30));
	}

	@Test
	void showTakesReasonsAndALimitButNoDryRun() {
		DeadLetterTool.Options options = DeadLetterTool.Options.parse(List.of("show", "--reason", "not_json", "--limit=5"));
		assertThat(options.command()).isEqualTo("show");
		assertThat(options.filter().patterns()).containsExactly("not_json");
		assertThat(options.limit()).isEqualTo(5);
		assertThatIllegalArgumentException().isThrownBy(() -> DeadLetterTool.Options.parse(List.of("show", "--dry-run")));
	}

	@Test
	void aReasonEndingInAStarIsAPrefixOtherwiseExact() {
		ReasonFilter filter = new ReasonFilter(List.of("database_rejected:*", "not_json"));
		assertThat(filter.matches("database_rejected:23514")).isTrue();
		assertThat(filter.matches("not_json")).isTrue();
		assertThat(filter.matches("not_json_at_all")).isFalse();
		assertThat(filter.matches("wrong_type:user_id")).isFalse();
		assertThat(filter.matches(DeadLetter.NO_REASON)).isFalse();
	}

	@Test
	void badArgumentsAreUsageErrorsWithExitStatusTwo() {
		for (List<String> args : List.of(List.of("dlq"), List.of("dlq", "purge"), List.of("dlq", "stats", "--dry-run"),
				List.of("dlq", "stats", "--reason", "x"), List.of("dlq", "redrive", "--limit"),
				List.of("dlq", "redrive", "--limit", "0"), List.of("dlq", "redrive", "--limit", "lots"),
				List.of("dlq", "redrive", "--reason="), List.of("dlq", "redrive", "--visibility-timeout=1s"),
				List.of("dlq", "redrive", "stray"))) {
			ByteArrayOutputStream err = new ByteArrayOutputStream();
			int exit = DeadLetterTool.run(args.toArray(String[]::new), new PrintStream(new ByteArrayOutputStream()),
					new PrintStream(err, true, StandardCharsets.UTF_8));
			assertThat(exit).as("%s", args).isEqualTo(2);
			assertThat(err.toString(StandardCharsets.UTF_8)).as("%s", args).startsWith("dlq: ").contains("usage:");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> DeadLetterTool.Options.parse(List.of("redrive", "-x")));
	}

	@Test
	void helpPrintsTheUsageAndExitsZero() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		int exit = DeadLetterTool.run(new String[] { "dlq", "redrive", "--help" },
				new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()));
		assertThat(exit).isZero();
		assertThat(out.toString(StandardCharsets.UTF_8)).contains("dlq redrive [--reason R]... [--limit N] [--dry-run]");
	}

	@Test
	void aDeadLetterNeverShowsItsBody() {
		DeadLetter deadLetter = new DeadLetter("id-1", "receipt", "not_json", "source-1", null, null, "{\"ip\": \"10.1.2.3\"");
		assertThat(deadLetter.toString()).doesNotContain("10.1.2.3").contains("id-1", "not_json", "source-1");
		assertThat(deadLetter.withoutBody().body()).isNull();
		assertThat(deadLetter.original()).isEqualTo("source-1");
		assertThat(new DeadLetter("id-2", "r", "x", null, null, null, "b").original()).isEqualTo("id-2");
	}

}
