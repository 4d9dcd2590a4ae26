package com.loginetl.ops;

import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

import sun.misc.Signal;

/**
 * On SIGTERM (a Kubernetes pod stop, {@code docker stop}), closes the application the usual way
 * (the listener stops polling and lets batches in flight finish and be deleted, within
 * {@code logins.listener.shutdown-timeout}) and exits with status 0: a stop that was asked for is
 * a success, also for a Job or CronJob. The JVM's own handling would exit with 143.
 */
public final class ExitOnTerminate {

	private ExitOnTerminate() {
	}

	public static void install(ConfigurableApplicationContext context) {
		Signal.handle(new Signal("TERM"),
				(signal) -> new Thread(() -> System.exit(SpringApplication.exit(context)), "sigterm-exit").start());
	}

}
