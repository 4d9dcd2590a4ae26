package com.loginetl;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The tools' short spellings of the KMS settings are the service's properties, for every tool context. */
class ToolContextTest {

	@Test
	void shortKmsSettingsAreWrittenOutInFullAndOthersKeptAsGiven() {
		assertThat(ToolContext.expandAliases(List.of("--kms-key-uri=aws-kms://arn:aws:kms:eu-west-1:111122223333:key/k",
				"--kms-endpoint=http://127.0.0.1:1", "--kms-timeout=3s", "--logins.queue=q", "--limit", "5")))
			.containsExactly("--logins.masking.kms-key-uri=aws-kms://arn:aws:kms:eu-west-1:111122223333:key/k",
					"--logins.masking.kms-endpoint=http://127.0.0.1:1", "--logins.masking.kms-timeout=3s",
					"--logins.queue=q", "--limit", "5");
	}

}
