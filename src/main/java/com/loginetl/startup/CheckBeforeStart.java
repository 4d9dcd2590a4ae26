package com.loginetl.startup;

import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationPreparedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * Runs the start-up checks once the service's settings are read and before its context creates
 * any bean: no web server, no listener, no migration has started when a check fails, so the
 * failure report is the first thing after the start line. A failed check stops the start with
 * the report Spring Boot's failure analyzers make of it (exit status 1).
 * <p>
 * Only for the service as its jar starts it ({@code primarySource} alone): a context with
 * configuration of its own, such as the local run's, whose SQS and PostgreSQL are beans, is
 * checked from inside instead ({@link StartupConfiguration}). A context that exits on refresh (the
 * Dockerfile's class-data-sharing training run) is not checked.
 */
public final class CheckBeforeStart implements ApplicationListener<ApplicationPreparedEvent> {

	/** A bean in the service's context: the checks passed before it was created. */
	static final String PASSED = "startupChecksPassed";

	/** The opened keyset, handed to the service's context so that it opens it (and calls KMS) once. */
	static final String KEYSET = "startupCheckedKeyset";

	private static final Logger log = LoggerFactory.getLogger(CheckBeforeStart.class);

	private final Class<?> primarySource;

	public CheckBeforeStart(Class<?> primarySource) {
		this.primarySource = primarySource;
	}

	@Override
	public void onApplicationEvent(ApplicationPreparedEvent event) {
		if (StartupChecks.exitsOnRefresh()
				|| !event.getSpringApplication().getAllSources().equals(Set.of(this.primarySource))) {
			return;
		}
		long started = System.nanoTime();
		AnnotationConfigApplicationContext checked = CheckedBeans.on(event.getApplicationContext().getEnvironment());
		try {
			StartupChecks checks = StartupChecks.beforeStart(checked.getBeanFactory());
			checks.runUntilFirstFailure();
			var beans = event.getApplicationContext().getBeanFactory();
			checks.keyset().checked().ifPresent((keyset) -> beans.registerSingleton(KEYSET, keyset));
			beans.registerSingleton(PASSED, new Passed());
			log.info("Start-up checks passed in {} ms: settings, keyset, database logins, both queues",
					(System.nanoTime() - started) / 1_000_000);
		}
		finally {
			CheckedBeans.closeInBackground(checked);
		}
	}

	/** The marker bean {@link #PASSED}. */
	record Passed() {
	}

}
