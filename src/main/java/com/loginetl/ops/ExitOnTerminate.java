package com.loginetl.ops;

import java.time.Duration;

import com.loginetl.ingest.IngestProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import sun.misc.Signal;

/**
 * On SIGTERM (a Kubernetes pod stop, {@code docker stop}) and SIGINT (Ctrl-C in a terminal), says
 * at once that it is stopping, closes the application the usual way (the listener stops polling,
 * ends its open long polls without waiting for them, and lets batches in flight finish and be
 * deleted, within {@code logins.listener.shutdown-timeout})
 * and exits with status 0: a stop that was asked for is a success, also for a Job or CronJob. The
 * JVM's own handling would exit with 143 or 130, and say nothing until the listener's long poll
 * ends, up to {@code logins.listener.poll-timeout} later.
 * <p>
 * Installed before the application starts: a stop during start-up ends the process at once, as
 * {@code kill -9} would. Closing the context then would wait for its refresh, which holds the
 * start-up lock for as long as a silent database keeps the migration waiting: past any grace
 * period. Nothing is lost: a message is deleted only after its row is committed, so what was
 * received and not yet deleted comes back after its visibility timeout.
 */
public final class ExitOnTerminate {

	private static final Logger log = LoggerFactory.getLogger(ExitOnTerminate.class);

	private volatile ConfigurableApplicationContext context;

	private ExitOnTerminate() {
	}

	public static ExitOnTerminate install() {
		ExitOnTerminate exit = new ExitOnTerminate();
		for (String name : new String[] { "TERM", "INT" }) {
			Signal.handle(new Signal(name), exit::stop);
		}
		return exit;
	}

	/** From now on a signal closes {@code started} the usual way. */
	public void started(ConfigurableApplicationContext started) {
		this.context = started;
	}

	private void stop(Signal signal) {
		ConfigurableApplicationContext started = this.context;
		if (started == null) {
			log.info("Stopping (SIG{}) during start-up: what was received and not yet deleted comes back after "
					+ "its visibility timeout", signal.getName());
			Runtime.getRuntime().halt(0);
		}
		Duration shutdownTimeout = started.getBean(IngestProperties.class).listener().shutdownTimeout();
		log.info("Stopping (SIG{}): finishing batches in flight, up to {} s", signal.getName(),
				shutdownTimeout.toSeconds());
		new Thread(() -> System.exit(SpringApplication.exit(started)), "sig" + signal.getName().toLowerCase() + "-exit")
			.start();
	}

}
