package com.loginetl.startup;

import javax.sql.DataSource;

import com.loginetl.ingest.IngestProperties;
import com.loginetl.ingest.QueueUrls;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StartupConfiguration {

	static final String CHECKS = "startupChecks";

	@Bean(CHECKS)
	StartupChecks startupChecks(ListableBeanFactory beans, DataSource dataSource, SqsAsyncClient sqs,
			QueueUrls queueUrls, IngestProperties properties) {
		return new StartupChecks(beans, new DatabaseLoginCheck(dataSource), new QueueCheck(sqs, queueUrls, properties));
	}

	/** Flyway migrates only after the checks passed. */
	@Bean
	static BeanFactoryPostProcessor migrationAfterStartupChecks() {
		return new MigrationAfterStartupChecks();
	}

	private static final class MigrationAfterStartupChecks extends AbstractDependsOnBeanFactoryPostProcessor {

		MigrationAfterStartupChecks() {
			super(FlywayMigrationInitializer.class, CHECKS);
		}

	}

}
