package com.loginetl.masking;

/**
 * The masking keyset is missing, unreadable or unusable. The message names the setting to fix.
 */
public class MaskingKeyException extends RuntimeException {

	public MaskingKeyException(String message) {
		super(message);
	}

	public MaskingKeyException(String message, Throwable cause) {
		super(message, cause);
	}

}
