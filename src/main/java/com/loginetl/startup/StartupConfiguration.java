package com.loginetl.startup;

import javax.sql.DataSource;

import com.loginetl.ingest.IngestProperties;
import com.loginetl.ingest.QueueUrls;
import com.loginetl.storage.DatabaseTls;
import com.loginetl.storage.PartitionMaintenance;
import com.loginetl.storage.SchemaOwner;
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

	static final String INGEST_GRANTS = "ingestGrantsCheck";

	@Bean(CHECKS)
	StartupChecks startupChecks(ListableBeanFactory beans, DataSource dataSource, DatabaseTls tls, SchemaOwner owner,
			SqsAsyncClient sqs, QueueUrls queueUrls, IngestProperties properties) {
		return new StartupChecks(beans, new DatabaseLoginCheck(dataSource, tls, owner),
				new QueueCheck(sqs, queueUrls, properties));
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
