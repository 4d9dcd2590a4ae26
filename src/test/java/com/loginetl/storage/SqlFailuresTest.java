package com.loginetl.storage;

import java.net.SocketException;
import java.sql.SQLException;

import org.junit.jupiter.api.Test;

import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.TransactionSystemException;

import static org.assertj.core.api.Assertions.assertThat;

class SqlFailuresTest {

	@Test
	void namesTheClassTheSqlstateAndTheInnermostCause() {
		assertThat(SqlFailures.describe(lostConnection()))
			.isEqualTo("DataAccessResourceFailureException, SQLSTATE 08006, cause SocketException");
	}

	/** The pool closes a connection that failed with class 08, so the rollback after it fails without an SQLSTATE. */
	@Test
	void aRollbackThatFailedAfterALostConnectionNamesTheLostConnection() {
		TransactionSystemException rollback = new TransactionSystemException("Could not roll back JDBC transaction",
				new SQLException("Connection is closed"));
		rollback.initApplicationException(lostConnection());
		assertThat(SqlFailures.describe(rollback)).isEqualTo("DataAccessResourceFailureException, SQLSTATE 08006, "
				+ "cause SocketException; the rollback failed too (TransactionSystemException)");
	}

	private static DataAccessResourceFailureException lostConnection() {
		return new DataAccessResourceFailureException("insert",
				new SQLException("An I/O error occurred while sending to the backend.", "08006", new SocketException()));
	}

}
