package com.loginetl.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command of the deployment checks (node, npm, java, python3) and collects what it printed. */
final class Commands {

	private Commands() {
	}

	/** What a finished command returned and printed. */
	record Result(List<String> command, int exitCode, String stdout, String stderr) {

		/** A description for assertion messages. */
		String describe() {
			return String.join(" ", this.command) + " exited " + this.exitCode + "\n--- stdout\n" + this.stdout
					+ "\n--- stderr\n" + this.stderr;
		}

	}

	static Result run(List<String> command, Path directory, String stdin, Duration timeout) {
		return run(command, directory, stdin, timeout, Map.of());
	}

	/**
	 * Runs {@code command} in {@code directory}, feeding it {@code stdin} (or nothing), with
	 * {@code environment} on top of this JVM's, and fails the test when it cannot start or does not
	 * end within {@code timeout}.
	 */
	static Result run(List<String> command, Path directory, String stdin, Duration timeout,
			Map<String, String> environment) {
		try {
			Path out = Files.createTempFile("deploy-check", ".out");
			Path err = Files.createTempFile("deploy-check", ".err");
			try {
				ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
					.redirectOutput(out.toFile())
					.redirectError(err.toFile());
				// A variable mapped to null is removed from the inherited environment.
				environment.forEach((name, value) -> {
					if (value == null) {
						builder.environment().remove(name);
					}
					else {
						builder.environment().put(name, value);
					}
				});
				if (stdin == null) {
					builder.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
				}
				Process process = builder.start();
				if (stdin != null) {
					try (var input = process.getOutputStream()) {
						input.write(stdin.getBytes(StandardCharsets.UTF_8));
					}
				}
				if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
					process.destroyForcibly();
					throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout
							+ "\n--- stdout\n" + Files.readString(out) + "\n--- stderr\n" + Files.readString(err));
				}
				return new Result(command, process.exitValue(), Files.readString(out), Files.readString(err));
			}
			finally {
				Files.deleteIfExists(out);
				Files.deleteIfExists(err);
			}
		}
		catch (IOException ex) {
			throw new AssertionError("Cannot run " + String.join(" ", command) + ": " + ex.getMessage(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted while running " + String.join(" ", command), ex);
		}
	}

	/** Fails with {@code hint} when {@code program --version} cannot run. */
	static void require(String program, String hint) {
		Result version;
		try {
			version = run(List.of(program, "--version"), Path.of("."), null, Duration.ofSeconds(60));
		}
		catch (AssertionError ex) {
			throw new AssertionError(program + " is needed by the deployment checks but cannot be run ("
					+ ex.getMessage() + "). " + hint, ex);
		}
		if (version.exitCode() != 0) {
			throw new AssertionError(program + " --version failed; " + hint + "\n" + version.describe());
		}
	}

}
