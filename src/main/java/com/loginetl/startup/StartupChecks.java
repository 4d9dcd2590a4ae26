package com.loginetl.startup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.SpringProperties;

/**
 * Checks, while the context is created and before Flyway migrates the schema or the web server
 * listens, that the database takes the service's login and that both queues exist. A mistake in
 * their settings therefore changes nothing and fails in seconds, with a report that names the
 * setting ({@link StartupCheckFailureAnalyzer}).
 * <p>
 * A context that is refreshed only to be closed again ({@code -Dspring.context.exit=onRefresh}, as
 * in the class-data-sharing training run of the Dockerfile) never processes a message and has
 * nothing to reach, so it skips the checks.
 */
class StartupChecks implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

	private final DatabaseLoginCheck database;

	private final QueueCheck queues;

	StartupChecks(DatabaseLoginCheck database, QueueCheck queues) {
		this.database = database;
		this.queues = queues;
	}

	@Override
	public void afterPropertiesSet() {
		if (DefaultLifecycleProcessor.ON_REFRESH_VALUE
			.equalsIgnoreCase(SpringProperties.getProperty(DefaultLifecycleProcessor.EXIT_PROPERTY_NAME))) {
			log.debug("Start-up checks skipped: the context exits on refresh");
			return;
		}
		this.database.check();
		this.queues.check();
	}

}
