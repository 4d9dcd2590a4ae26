package com.loginetl.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The npm packages of the {@link ExternalTools} checks (src/test/resources/deploy/tools/package.json):
 * dockerfile-utils, dclint, and the KEDA and Prometheus Operator models that the vendored CRD
 * schemas are compared with. They are installed once per lock file with {@code npm ci} into
 * target/test-classes/deploy/tools and run offline.
 */
final class NodeTools {

	private static final String STAMP = "node_modules/.installed-lock-sha256";

	private static Path installed;

	private NodeTools() {
	}

	/** The tools' directory, with its node_modules installed. */
	static synchronized Path directory() {
		if (installed == null) {
			installed = install(DeployFiles.resource("deploy/tools"));
		}
		return installed;
	}

	/** Runs a script of an installed package, or of the tools' directory, with node. */
	static Commands.Result node(String script, String stdin, String... arguments) {
		Path dir = directory();
		List<String> command = new ArrayList<>(List.of("node", dir.resolve(script).toString()));
		command.addAll(List.of(arguments));
		return Commands.run(command, dir, stdin, Duration.ofMinutes(2));
	}

	private static Path install(Path dir) {
		String hint = "Install Node.js 18 or later with npm (Debian: apt-get install -y nodejs npm), or run "
				+ "mvn -B verify without -Pexternal-tools.";
		Commands.require("node", hint);
		Commands.require("npm", hint);
		String lockHash = sha256(dir.resolve("package-lock.json"));
		Path stamp = dir.resolve(STAMP);
		try {
			if (Files.isRegularFile(stamp) && Files.readString(stamp).equals(lockHash)) {
				return dir;
			}
			Commands.Result ci = Commands.run(
					List.of("npm", "ci", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"), dir, null,
					Duration.ofMinutes(5));
			if (ci.exitCode() != 0) {
				throw new AssertionError("npm ci of the deployment check tools failed (the npm registry must be "
						+ "reachable once, or its packages in npm's cache)\n" + ci.describe());
			}
			Files.writeString(stamp, lockHash);
			return dir;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static String sha256(Path file) {
		try {
			return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
