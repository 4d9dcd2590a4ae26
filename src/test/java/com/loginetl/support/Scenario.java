package com.loginetl.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.loginetl.masking.Keysets;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * What a test of the packaged service needs: its own database and pair of queues, a workload to
 * send, and the environment that points a service process at them. Messages a batch did not finish
 * come back after 3 s, so that redeliveries happen within a test's time.
 *
 * @param environment the service's environment variables; a test may change them before starting
 */
public record Scenario(JdbcTarget database, TestQueues queues, Workload workload, Map<String, String> environment) {

	public static Scenario create(String name) {
		return create(name, Map.of());
	}

	/** @param queueAttributes attributes of the source queue, e.g. a redrive policy */
	public static Scenario create(String name, Map<QueueAttributeName, String> queueAttributes) {
		JdbcTarget database = TestPostgres.instance().newDatabase();
		TestQueues queues = TestQueues.create(name, queueAttributes);
		String keyset = Keysets.generate();
		Map<String, String> environment = new HashMap<>(ServiceProcess.environment(queues, database, keyset));
		environment.put("LOGINS_LISTENER_VISIBILITY_TIMEOUT", "3s");
		// The first SQS call at start-up (the dead-letter queue check) loads and starts the whole
		// SDK client; on a shared machine under load that has taken longer than the default 5 s.
		environment.put("LOGINS_SQS_TIMEOUT", "15s");
		return new Scenario(database, queues, new Workload(queues, database, keyset), environment);
	}

	/** Starts the service (heap capped at 256 MiB unless {@code jvmOptions} say otherwise) and waits until it is ready. */
	public ServiceProcess startService(String... jvmOptions) {
		return awaitReady(ServiceProcess.start(this.environment,
				jvmOptions.length == 0 ? new String[] { "-Xmx256m" } : jvmOptions));
	}

	/** Starts the service with a command of its own (see {@link ServiceProcess#start(List, Map)}). */
	public ServiceProcess startService(List<String> command) {
		return awaitReady(ServiceProcess.start(command, this.environment));
	}

	private static ServiceProcess awaitReady(ServiceProcess service) {
		try {
			// Start-up takes 5 to 10 s on an idle machine, and has taken two minutes on a shared one under load.
			service.awaitReady(Duration.ofSeconds(240));
			return service;
		}
		catch (RuntimeException ex) {
			service.close();
			throw ex;
		}
	}

	/**
	 * Starts a proxy to the shared SQS server and points this scenario's service at it, so that a
	 * test can cut the service's SQS connections or make them go silent; the test's own calls still
	 * go straight to the server.
	 */
	public TcpProxy sqsThroughProxy() {
		TcpProxy proxy = TcpProxy.to(this.queues.sqs().endpoint().getPort());
		this.environment.put("SPRING_CLOUD_AWS_SQS_ENDPOINT", "http://127.0.0.1:" + proxy.port());
		return proxy;
	}

}
