package com.loginetl.bench;

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

	private void killAll() {
		this.pids.forEach((pid) -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
	}

}
