package com.loginetl.masking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MaskingProperties.class)
class MaskingConfiguration {

	private static final Logger log = LoggerFactory.getLogger(MaskingConfiguration.class);

	/** The masker the start-up checks made, when they ran before this context; otherwise made here. */
	@Bean
	PiiMasker piiMasker(MaskingProperties properties, ObjectProvider<KeysetCheck.CheckedKeyset> checked) {
		KeysetCheck.CheckedKeyset opened = checked.getIfAvailable();
		PiiMasker masker = (opened != null) ? opened.masker() : PiiMasker.from(properties);
		if (masker.usesDevelopmentKey()) {
			log.warn("Masking with the built-in development keyset (src/test/resources/dev-keyset.json). "
					+ "Anyone with this repository can reverse its tokens: never use it in production.");
		}
		else if (!properties.encrypted()) {
			log.warn("The masking keyset is cleartext: anyone who can read it (the Secret, the environment, a "
					+ "backup) can {}. Encrypt it under an AWS KMS key and set logins.masking.kms-key-uri "
					+ "(LOGINS_MASKING_KMS_KEY_URI); see docs/keys.md. The gauge logins.keyset.encrypted is 0.",
					(masker.mode() == MaskingMode.REVERSIBLE) ? "read every masked value back"
							: "recognise any value it guesses by masking it");
		}
		log.info("Masking {}", KeysetCheck.describe(masker, properties));
		return masker;
	}

	/** Derived from the masking keyset, so dead letters need no key of their own. */
	@Bean
	DeadLetterSeal deadLetterSeal(PiiMasker masker) {
		return masker.deadLetterSeal();
	}

}
