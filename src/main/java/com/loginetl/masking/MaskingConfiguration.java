package com.loginetl.masking;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MaskingProperties.class)
class MaskingConfiguration {

	private static final Logger log = LoggerFactory.getLogger(MaskingConfiguration.class);

	@Bean
	PiiMasker piiMasker(MaskingProperties properties) {
		PiiMasker masker = PiiMasker.from(properties);
		if (masker.usesDevelopmentKey()) {
			log.warn("Masking with the built-in development keyset (src/test/resources/dev-keyset.json). "
					+ "Anyone with this repository can reverse its tokens: never use it in production.");
		}
		log.info("Masking {} with primary key {}", masker.mode().description(),
				Integer.toUnsignedString(masker.primaryKeyId()));
		return masker;
	}

	/** Derived from the masking keyset, so dead letters need no key of their own. */
	@Bean
	DeadLetterSeal deadLetterSeal(PiiMasker masker) {
		return masker.deadLetterSeal();
	}

}
