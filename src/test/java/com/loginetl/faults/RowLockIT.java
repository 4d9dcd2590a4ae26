package com.loginetl.faults;

import java.sql.Connection;
import java.time.Duration;

import com.loginetl.support.JdbcTarget;
import com.loginetl.support.Scenario;
import com.loginetl.support.ServiceProcess;
import com.loginetl.support.ServiceStarts;
import com.loginetl.support.Workload;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Another session holds the row lock one message's insert needs, in a transaction it leaves open
 * (an orphaned session that inserted the same message id): the service's insert waits for it up
 * to the lock timeout (2 s here), then writes the rest of that batch row by row and leaves the
 * locked message on the queue. Every other message flows meanwhile, the ingest is never paused,
 * and when the other session rolls back the message is written exactly once.
 */
class RowLockIT {

	@Test
	void aMessageWhoseRowIsLockedWaitsAloneAndIsWrittenOnceTheLockIsReleased() throws Exception {
		Scenario scenario = Scenario.create("row-lock");
		scenario.environment().put("LOGINS_DATABASE_LOCK_TIMEOUT", "2s");
		JdbcTarget target = scenario.database();
		Workload workload = scenario.workload();
		// The schema the service would create, so that the other session can insert before it starts.
		target.migrate();
		Placeholders.Sent locked = Placeholders.sendOne(workload);
		String lockedId = locked.messageId();

		try (Connection holder = Placeholders.hold(target, locked)) {
			workload.send(1_000, 10);
			try (ServiceProcess service = ServiceStarts.startAndAwaitReady(scenario)) {
				await().atMost(Duration.ofSeconds(60))
					.until(() -> service.counter("logins_blocked_total") >= 3
							&& workload.rows() >= workload.validCount() - 1);
				// Later messages go on flowing past the one that waits.
				workload.send(500, 5);
				await().atMost(Duration.ofSeconds(60)).until(() -> workload.rows() >= workload.validCount() - 1);
				assertThat(workload.rows()).as("rows while the lock is held: all but the locked one")
					.isEqualTo(workload.validCount() - 1);
				assertThat(service.status("/actuator/health/readiness")).as("readiness while one row is locked")
					.isEqualTo(200);
				assertThat(service.counter("logins_store_failures_total")).as("batches failed as an outage").isZero();

				holder.rollback();
				workload.assertEveryValidMessageIsExactlyOneRow(Duration.ofSeconds(60));
				workload.assertEveryInvalidMessageIsDeadLettered(Duration.ofSeconds(30));
				assertThat(service.counter("logins_rejected_total")).as("dead letters").isEqualTo(workload.invalidCount());
				assertThat(service.output()).contains("locked by another session's open transaction (SQLSTATE 55P03)",
						lockedId);
			}
		}
	}

}
