package com.loginetl.ops;

import com.loginetl.masking.MaskingProperties;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.stereotype.Component;

/**
 * {@code logins.keyset.encrypted}: 1 when the masking keyset is encrypted under an AWS KMS key, 0
 * when it is cleartext, so that an alert can forbid cleartext keysets. A service that runs has read
 * its keyset, so with a KMS key set, KMS has decrypted it.
 */
@Component
class KeysetEncryptionMeter implements MeterBinder {

	private final boolean encrypted;

	KeysetEncryptionMeter(MaskingProperties masking) {
		this.encrypted = masking.encrypted();
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("logins.keyset.encrypted", () -> this.encrypted ? 1 : 0)
			.description("1 when the masking keyset is encrypted under an AWS KMS key, 0 when it is cleartext")
			.register(registry);
	}

}
