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

	/**
	 * As {@link Scenario#startService(String...)} with its default heap cap, waiting up to 3
	 * minutes, and with 15 s for an SQS call: the start-up check of the dead-letter queue must not
	 * fail because the test JVM's ElasticMQ is slow to answer.
	 */
	public static ServiceProcess startAndAwaitReady(Scenario scenario) {
		scenario.environment().putIfAbsent("LOGINS_SQS_TIMEOUT", "15s");
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
