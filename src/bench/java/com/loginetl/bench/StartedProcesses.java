package com.loginetl.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The processes this benchmark started and has not stopped yet. If the benchmark itself is stopped
 * (Ctrl-C, SIGTERM), a shutdown hook kills them, so no service keeps polling after it.
 */
final class StartedProcesses {

	private final Set<Long> pids = ConcurrentHashMap.newKeySet();

	StartedProcesses() {
		Runtime.getRuntime().addShutdownHook(new Thread(this::killAll, "bench-stop-children"));
	}

	void started(long pid) {
		this.pids.add(pid);
	}

	void ended(long pid) {
		this.pids.remove(pid);
	}

	/**
	 * Starts {@code mainClass} in a JVM of its own, on the running JDK and the benchmark's classpath,
	 * its output going to {@code log}; its standard input stays open until the benchmark ends.
	 */
	Process startJava(List<String> jvmOptions, Class<?> mainClass, List<String> arguments, Map<String, String> environment,
			Path log) {
		List<String> command = new ArrayList<>();
		command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
		command.addAll(jvmOptions);
		command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(arguments);
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().putAll(environment);
		try {
			Process process = builder.start();
			started(process.pid());
			return process;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * In a JVM that {@link #startJava} started: returns when its standard input closes, which
	 * happens when the benchmark ends in any way (nothing is ever sent on it).
	 */
	static void awaitStdinClosed() {
		try {
			while (System.in.read() != -1) {
				// only the end of the stream counts
			}
		}
		catch (IOException ex) {
			// the benchmark is gone either way
		}
	}

	private void killAll() {
		this.pids.forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
	}

}
