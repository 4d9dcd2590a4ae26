package com.loginetl.masking;

/**
 * The masking keyset is missing, unreadable or unusable. The message names the setting to fix; an
 * action, when given, says what to do (otherwise the report says how to configure a keyset).
 */
public class MaskingKeyException extends RuntimeException {

	private final String action;

	public MaskingKeyException(String message) {
		this(message, null, null);
	}

	public MaskingKeyException(String message, Throwable cause) {
		this(message, null, cause);
	}

	public MaskingKeyException(String message, String action, Throwable cause) {
		super(message, cause);
		this.action = action;
	}

	/** What to do about it, or null when the general advice on configuring a keyset fits. */
	public String action() {
		return this.action;
	}

}
