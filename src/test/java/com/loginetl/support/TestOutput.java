package com.loginetl.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the logs of the processes and servers that tests start go: {@code target/test-output},
 * beside the reports that name them, and gone with {@code mvn clean}, not left in the system's
 * temporary directory.
 */
public final class TestOutput {

	private static final Path DIRECTORY = Path.of("target", "test-output").toAbsolutePath();

	private TestOutput() {
	}

	/** A new empty file named {@code prefix...suffix} in {@code target/test-output}. */
	public static Path newFile(String prefix, String suffix) {
		try {
			return Files.createTempFile(Files.createDirectories(DIRECTORY), prefix, suffix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
