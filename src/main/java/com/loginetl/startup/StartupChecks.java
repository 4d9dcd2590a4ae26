package com.loginetl.startup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.support.DefaultLifecycleProcessor;
import org.springframework.core.SpringProperties;

/**
 * Checks, while the context is created and before Flyway migrates the schema or the web server
 * listens, that every {@code logins.*} setting binds and is valid, that the database takes the
 * service's logins (over TLS as configured), that the schema owner may migrate, and that both queues
 * exist. Whether the ingest role may write rows can only be known once the table exists, after the
 * migration ({@link IngestGrantsCheck}). A mistake in these settings therefore changes nothing:
 * start-up fails before the migration, with a report that names the setting
 * ({@link StartupCheckFailureAnalyzer}, {@link LoginsPropertyFailureAnalyzer}).
 * <p>
 * A context that is refreshed only to be closed again ({@code -Dspring.context.exit=onRefresh}, as
 * in the class-data-sharing training run of the Dockerfile) never processes a message and has
 * nothing to reach, so it skips the checks.
 */
class StartupChecks implements InitializingBean {

	private static final Logger log = LoggerFactory.getLogger(StartupChecks.class);

	private static final String SETTINGS_PREFIX = "logins";

	private final ListableBeanFactory beans;

	private final DatabaseLoginCheck database;

	private final QueueCheck queues;

	StartupChecks(ListableBeanFactory beans, DatabaseLoginCheck database, QueueCheck queues) {
		this.beans = beans;
		this.database = database;
		this.queues = queues;
	}

	@Override
	public void afterPropertiesSet() {
		if (exitsOnRefresh()) {
			log.debug("Start-up checks skipped: the context exits on refresh");
			return;
		}
		bindEverySetting();
		this.database.check();
		this.queues.check();
	}

	static boolean exitsOnRefresh() {
		return DefaultLifecycleProcessor.ON_REFRESH_VALUE
			.equalsIgnoreCase(SpringProperties.getProperty(DefaultLifecycleProcessor.EXIT_PROPERTY_NAME));
	}

	// Each @ConfigurationProperties record binds and validates when its bean is created; some are
	// needed only by beans that come after the migration, so they are created here first.
	private void bindEverySetting() {
		for (String name : this.beans.getBeanNamesForAnnotation(ConfigurationProperties.class)) {
			ConfigurationProperties settings = this.beans.findAnnotationOnBean(name, ConfigurationProperties.class);
			String prefix = (settings != null) ? settings.prefix().concat(settings.value()) : "";
			if (prefix.equals(SETTINGS_PREFIX) || prefix.startsWith(SETTINGS_PREFIX + ".")) {
				this.beans.getBean(name);
			}
		}
	}

}
