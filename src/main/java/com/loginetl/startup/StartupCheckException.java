package com.loginetl.startup;

/**
 * A start-up check found a mistake the operator can fix. {@link StartupCheckFailureAnalyzer} reports
 * it as what is wrong and what to do, without a stack trace.
 */
class StartupCheckException extends RuntimeException {

	private final String action;

	StartupCheckException(String description, String action, Throwable cause) {
		super(description, cause);
		this.action = action;
	}

	String action() {
		return this.action;
	}

}
