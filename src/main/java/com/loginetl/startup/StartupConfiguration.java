package com.loginetl.startup;

import javax.sql.DataSource;

import com.loginetl.storage.PartitionMaintenance;
import com.loginetl.storage.SchemaOwner;

import org.springframework.beans.factory.InitializingBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.config.BeanFactoryPostProcessor;
import org.springframework.boot.autoconfigure.AbstractDependsOnBeanFactoryPostProcessor;
import org.springframework.boot.flyway.autoconfigure.FlywayMigrationInitializer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class StartupConfiguration {

	static final String CHECKS = "startupChecks";

	static final String INGEST_GRANTS = "ingestGrantsCheck";

	/**
	 * The start-up checks, while this context is created, unless they ran before it
	 * ({@link CheckBeforeStart}): a context started otherwise, such as the local run's, whose SQS
	 * and database are beans of its own, can only be checked from inside.
	 */
	@Bean(CHECKS)
	InitializingBean startupChecks(ListableBeanFactory beans) {
		return () -> {
			if (StartupChecks.exitsOnRefresh() || beans.containsBean(CheckBeforeStart.PASSED)) {
				return;
			}
			StartupChecks.inContext(beans).runUntilFirstFailure();
		};
	}

	@Bean(INGEST_GRANTS)
	IngestGrantsCheck ingestGrantsCheck(DataSource dataSource, SchemaOwner owner) {
		return new IngestGrantsCheck(dataSource, owner);
	}

	/** Flyway migrates only after the checks passed. */
	@Bean
	static BeanFactoryPostProcessor migrationAfterStartupChecks() {
		return new MigrationAfterStartupChecks();
	}

	/** The ingest role's grants are checked once the table exists, before partition maintenance starts. */
	@Bean
	static BeanFactoryPostProcessor ingestGrantsAfterMigration() {
		return new IngestGrantsAfterMigration();
	}

	@Bean
	static BeanFactoryPostProcessor partitionMaintenanceAfterIngestGrants() {
		return new PartitionMaintenanceAfterIngestGrants();
	}

	private static final class MigrationAfterStartupChecks extends AbstractDependsOnBeanFactoryPostProcessor {

		MigrationAfterStartupChecks() {
			super(FlywayMigrationInitializer.class, CHECKS);
		}

	}

	private static final class IngestGrantsAfterMigration extends AbstractDependsOnBeanFactoryPostProcessor {

		IngestGrantsAfterMigration() {
			super(IngestGrantsCheck.class, FlywayMigrationInitializer.class);
		}

	}

	private static final class PartitionMaintenanceAfterIngestGrants extends AbstractDependsOnBeanFactoryPostProcessor {

		PartitionMaintenanceAfterIngestGrants() {
			super(PartitionMaintenance.class, INGEST_GRANTS);
		}

	}

}
