package com.loginetl.masking;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a keyset problem at start-up into a short report instead of a stack trace. */
class MaskingKeyFailureAnalyzer extends AbstractFailureAnalyzer<MaskingKeyException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, MaskingKeyException cause) {
		String action = (cause.action() != null) ? cause.action()
				: "Configure the masking keyset: logins.masking.keyset (LOGINS_MASKING_KEYSET) holds the keyset's "
						+ "JSON, or logins.masking.keyset-file (LOGINS_MASKING_KEYSET_FILE) names a file holding it.";
		return new FailureAnalysis(cause.getMessage(), action, cause);
	}

}
