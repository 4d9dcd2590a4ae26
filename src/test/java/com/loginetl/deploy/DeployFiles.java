package com.loginetl.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where the deployment files and their test resources are. */
final class DeployFiles {

	private DeployFiles() {
	}

	/** The project's directory (where pom.xml is), found from the compiled test resources. */
	static Path projectDir() {
		// target/test-classes/deploy -> target/test-classes -> target -> project
		Path dir = resource("deploy").getParent().getParent().getParent();
		if (!Files.isRegularFile(dir.resolve("pom.xml"))) {
			throw new IllegalStateException("No pom.xml in " + dir + "; the tests expect Maven's layout");
		}
		return dir;
	}

	static Path file(String relativePath) {
		return projectDir().resolve(relativePath);
	}

	static Path chart() {
		return file("helm/login-etl");
	}

	static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Copies the directory {@code from} with everything in it to {@code to}. */
	static Path copyTree(Path from, Path to) {
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
			return to;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A file or directory under src/test/resources, as copied to target/test-classes. */
	static Path resource(String name) {
		URL url = DeployFiles.class.getClassLoader().getResource(name);
		if (url == null) {
			throw new IllegalStateException("No test resource " + name);
		}
		try {
			return Path.of(url.toURI());
		}
		catch (URISyntaxException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
