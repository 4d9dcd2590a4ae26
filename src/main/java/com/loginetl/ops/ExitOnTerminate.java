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
 */
public final class ExitOnTerminate {

	private static final Logger log = LoggerFactory.getLogger(ExitOnTerminate.class);

	private ExitOnTerminate() {
	}

	public static void install(ConfigurableApplicationContext context) {
		Duration shutdownTimeout = context.getBean(IngestProperties.class).listener().shutdownTimeout();
		for (String name : new String[] { "TERM", "INT" }) {
			Signal.handle(new Signal(name), (signal) -> {
				log.info("Stopping (SIG{}): finishing batches in flight, up to {} s", signal.getName(),
						shutdownTimeout.toSeconds());
				new Thread(() -> System.exit(SpringApplication.exit(context)), "sig" + name.toLowerCase() + "-exit")
					.start();
			});
		}
	}

}
