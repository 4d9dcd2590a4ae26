package com.loginetl.soak;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.loginetl.support.NetworkNamespace;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.TcpProxy;

/**
 * One service as Kubernetes would keep it: a process that is started again, after a pause, each
 * time it exits, whatever the cause (a kill, a stop, a failed start), as a kubelet restarts a
 * container. Its database and SQS connections go through relays of its own, so that a fault can
 * hit this service alone; a restarted process finds the relays as the fault left them.
 * <p>
 * Each start is a {@link Life}; its JDBC URL names it as the sessions' {@code application_name}
 * ({@code soak-service-1-3}: the third start of service-1), so that the server's sessions can be
 * told apart per process after it is gone.
 * <p>
 * Where the soak may make network namespaces (root, {@code ip}, {@code iptables}), each pod's
 * processes run in a namespace of its own, as a pod has its own network, and reach the relays over
 * a real link that {@link #partition()} cuts: packets dropped both ways, no FIN, no reset. The
 * relays probe their clients with the keepalives the service asks the database server for by
 * default (application.yaml), so a process gone behind a partition loses its server sessions in
 * the time the server itself would take.
 */
final class Pod {

	/** A kubelet waits 10 s before the first restart; the soak waits less, to keep the stream busy. */
	private static final Duration RESTART_PAUSE = Duration.ofSeconds(5);

	/** {@code logins.database.server-tcp-keepalives-*} by default: idle 30 s, then 3 probes 10 s apart. */
	private static final Duration KEEPALIVES_IDLE = Duration.ofSeconds(30);

	private static final Duration KEEPALIVES_INTERVAL = Duration.ofSeconds(10);

	private static final int KEEPALIVES_COUNT = 3;

	private final String name;

	private final Map<String, String> environment;

	private final String jdbcUrl;

	private final TcpProxy database;

	private final TcpProxy sqs;

	/** The pod's own network, or null where the soak cannot make one (then it has no partitions). */
	private final NetworkNamespace network;

	/** How the processes reach the SQS relay. */
	private final String sqsEndpoint;

	private final List<Life> lives = new ArrayList<>();

	private volatile Life current;

	private volatile boolean running = true;

	private final Thread supervisor;

	/**
	 * @param environment the services' environment, without the database URL and SQS endpoint
	 * @param jdbcUrl the database's URL, whose port the relay replaces
	 * @param databasePort the database server's port
	 * @param sqsPort the SQS server's port
	 * @param network the pod's network namespace, or null to run its processes on the host's
	 */
	Pod(String name, Map<String, String> environment, String jdbcUrl, int databasePort, int sqsPort,
			NetworkNamespace network) {
		this.name = name;
		this.environment = environment;
		this.database = TcpProxy.to(databasePort)
			.probingClients(KEEPALIVES_IDLE, KEEPALIVES_INTERVAL, KEEPALIVES_COUNT);
		this.sqs = TcpProxy.to(sqsPort).probingClients(KEEPALIVES_IDLE, KEEPALIVES_INTERVAL, KEEPALIVES_COUNT);
		this.network = network;
		String relayHost = "127.0.0.1";
		if (network != null) {
			network.expose(this.database.port());
			network.expose(this.sqs.port());
			relayHost = network.hostAddress();
		}
		this.jdbcUrl = jdbcUrl.replaceFirst("//[^/:]+:" + databasePort + "/",
				"//" + relayHost + ":" + this.database.port() + "/");
		this.sqsEndpoint = "http://" + relayHost + ":" + this.sqs.port();
		this.supervisor = new Thread(this::supervise, name + "-supervisor");
		this.supervisor.setDaemon(true);
	}

	String name() {
		return this.name;
	}

	TcpProxy database() {
		return this.database;
	}

	TcpProxy sqs() {
		return this.sqs;
	}

	void start() {
		this.supervisor.start();
	}

	/** Whether its processes have a network of their own that {@link #partition()} can cut. */
	boolean partitionable() {
		return this.network != null;
	}

	/** Drops every packet between the pod and both relays, both ways, until {@link #heal()}. */
	void partition() {
		this.network.partition(this.database.port());
		this.network.partition(this.sqs.port());
	}

	void heal() {
		if (this.network != null) {
			this.network.heal();
		}
	}

	/** The process now, or null while it is down (between an exit and its restart). */
	Life current() {
		return this.current;
	}

	synchronized List<Life> lives() {
		return List.copyOf(this.lives);
	}

	/** Whether the current process answers ready. */
	boolean ready() {
		Life life = this.current;
		return life != null && life.process().isAlive() && life.process().status("/actuator/health/readiness") == 200;
	}

	/** No more restarts: the current process is left to the caller, who stops it. */
	void stopRestarting() {
		this.running = false;
	}

	/** Closes the relays and the pod's network. */
	void close() {
		this.database.close();
		this.sqs.close();
		if (this.network != null) {
			this.network.close();
		}
	}

	private void supervise() {
		int starts = 0;
		while (this.running) {
			starts++;
			String applicationName = "soak-" + this.name + "-" + starts;
			Map<String, String> environment = new HashMap<>(this.environment);
			environment.put("SPRING_DATASOURCE_URL",
					this.jdbcUrl + (this.jdbcUrl.contains("?") ? "&" : "?") + "ApplicationName=" + applicationName);
			environment.put("SPRING_CLOUD_AWS_SQS_ENDPOINT", this.sqsEndpoint);
			ServiceProcess process;
			// Not the report's clock: that starts again from zero once every service is ready.
			long launched = System.nanoTime();
			try {
				process = (this.network != null) ? ServiceProcess.startIn(this.network, environment, "-Xmx256m")
						: ServiceProcess.start(environment, "-Xmx256m");
			}
			catch (RuntimeException ex) {
				Report.say("%s: could not start %s (%s); retry in %d s", this.name, applicationName, ex,
						RESTART_PAUSE.toSeconds());
				sleep(RESTART_PAUSE);
				continue;
			}
			Life life = new Life(this.name, applicationName, process, Report.elapsed());
			synchronized (this) {
				this.lives.add(life);
			}
			this.current = life;
			Report.say("%s: started %s (pid %d, log %s)", this.name, applicationName, process.pid(),
					process.log().getFileName());
			while (process.isAlive()) {
				if (life.readyAfter == null && process.status("/actuator/health/readiness") == 200) {
					life.readyAfter = Duration.ofNanos(System.nanoTime() - launched);
					Report.say("%s: %s ready after %d s", this.name, applicationName, life.readyAfter.toSeconds());
				}
				sleep(Duration.ofMillis(life.readyAfter == null ? 500 : 200));
			}
			life.exit = process.awaitExit(Duration.ofSeconds(5));
			life.endedAt = Report.elapsed();
			this.current = null;
			String cause = (life.stoppedBy != null) ? life.stoppedBy : "by itself";
			if (!this.running) {
				Report.say("%s: %s exited with %d (%s)", this.name, applicationName, life.exit, cause);
				break;
			}
			Report.say("%s: %s exited with %d (%s); restart in %d s", this.name, applicationName, life.exit, cause,
					RESTART_PAUSE.toSeconds());
			sleep(RESTART_PAUSE);
		}
	}

	/** Whether the pod is gone for good: no process, and none will be started. */
	boolean down() {
		return !this.supervisor.isAlive();
	}

	/** Waits until no process of this pod runs. */
	void awaitDown(Duration timeout) {
		try {
			this.supervisor.join(timeout.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** One process of a pod, from its start to its exit. */
	static final class Life {

		private final String pod;

		private final String applicationName;

		private final ServiceProcess process;

		private final Duration startedAt;

		/** From its launch to its first ready answer; null until then. */
		volatile Duration readyAfter;

		/** Set before the soak stops it: {@code kill -9}, {@code SIGTERM}; null when it exits by itself. */
		volatile String stoppedBy;

		volatile Duration endedAt;

		volatile Integer exit;

		Life(String pod, String applicationName, ServiceProcess process, Duration startedAt) {
			this.pod = pod;
			this.applicationName = applicationName;
			this.process = process;
			this.startedAt = startedAt;
		}

		String pod() {
			return this.pod;
		}

		String applicationName() {
			return this.applicationName;
		}

		ServiceProcess process() {
			return this.process;
		}

		Duration startedAt() {
			return this.startedAt;
		}

	}

}
