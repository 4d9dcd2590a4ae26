package com.loginetl.support;

import java.time.Duration;

/**
 * Starts a scenario's service and waits for readiness longer than {@link Scenario#startService}
 * does: a fault test's claims are about the faults, not about how fast a busy machine starts a JVM.
 */
public final class ServiceStarts {

	private static final Duration READY_WITHIN = Duration.ofMinutes(3);

	private ServiceStarts() {
	}

	/** As {@link Scenario#startService(String...)} with its default heap cap, waiting up to 3 minutes. */
	public static ServiceProcess startAndAwaitReady(Scenario scenario) {
		ServiceProcess service = ServiceProcess.start(scenario.environment(), "-Xmx256m");
		try {
			service.awaitReady(READY_WITHIN);
			return service;
		}
		catch (RuntimeException ex) {
			service.close();
			throw ex;
		}
	}

}
