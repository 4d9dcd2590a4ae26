package com.loginetl.masking;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.util.StringUtils;

/**
 * Where the Tink keyset that makes the tokens comes from: inline JSON, or a file (typically a
 * mounted Kubernetes Secret). Exactly one of the two must be set.
 *
 * @param keyset the keyset as Tink JSON text ({@code LOGINS_MASKING_KEYSET})
 * @param keysetFile path of a file holding the keyset as Tink JSON ({@code LOGINS_MASKING_KEYSET_FILE})
 * @param allowDevelopmentKeyset whether the public development keyset of this repository may mask
 * data; only the local run ({@code mvn spring-boot:test-run}) sets it, everything else refuses that
 * keyset
 * @param kmsKeyUri the AWS KMS key the keyset is encrypted under, as
 * {@code aws-kms://arn:aws:kms:REGION:ACCOUNT:key/ID} ({@code LOGINS_MASKING_KMS_KEY_URI}); set, the
 * keyset is in Tink's encrypted keyset format and only KMS can open it; unset, it is cleartext
 * @param kmsEndpoint the KMS endpoint, for a VPC endpoint or a test server
 * ({@code LOGINS_MASKING_KMS_ENDPOINT}); unset, AWS's endpoint for the key's region
 * @param kmsTimeout the longest one KMS call may take, retries included ({@code LOGINS_MASKING_KMS_TIMEOUT};
 * each attempt gets half of it)
 */
@ConfigurationProperties("logins.masking")
public record MaskingProperties(String keyset, Path keysetFile, boolean allowDevelopmentKeyset, String kmsKeyUri,
		URI kmsEndpoint, Duration kmsTimeout) {

	static final Duration DEFAULT_KMS_TIMEOUT = Duration.ofSeconds(10);

	static final String HOW_TO_FIX = "Create a keyset with 'java -jar login-etl.jar keygen' and pass it as "
			+ "logins.masking.keyset (LOGINS_MASKING_KEYSET) or as a file named by logins.masking.keyset-file "
			+ "(LOGINS_MASKING_KEYSET_FILE).";

	@ConstructorBinding
	public MaskingProperties {
		if (!StringUtils.hasText(kmsKeyUri)) {
			kmsKeyUri = null;
		}
		if (kmsTimeout == null) {
			kmsTimeout = DEFAULT_KMS_TIMEOUT;
		}
	}

	/** A cleartext keyset source. */
	public MaskingProperties(String keyset, Path keysetFile, boolean allowDevelopmentKeyset) {
		this(keyset, keysetFile, allowDevelopmentKeyset, null, null, null);
	}

	/** A cleartext keyset source that refuses the development keyset, as production does. */
	public MaskingProperties(String keyset, Path keysetFile) {
		this(keyset, keysetFile, false);
	}

	/** Whether the keyset is encrypted under a KMS key (a KMS key URI is set). */
	public boolean encrypted() {
		return this.kmsKeyUri != null;
	}

	/** These settings with the keyset given inline instead (the tools read their keyset from a named file). */
	public MaskingProperties withKeyset(String json) {
		return new MaskingProperties(json, null, this.allowDevelopmentKeyset, this.kmsKeyUri, this.kmsEndpoint,
				this.kmsTimeout);
	}

	/** The keyset's JSON text, read from whichever source is configured. */
	public String keysetJson() {
		boolean inline = StringUtils.hasText(this.keyset);
		if (inline && this.keysetFile != null) {
			throw new MaskingKeyException("Both logins.masking.keyset and logins.masking.keyset-file are set; "
					+ "set only one of them so that it is clear which key masks the data.");
		}
		if (inline) {
			return this.keyset;
		}
		if (this.keysetFile == null) {
			throw new MaskingKeyException("No masking keyset is configured. " + HOW_TO_FIX);
		}
		try {
			return Files.readString(this.keysetFile, StandardCharsets.UTF_8);
		}
		catch (NoSuchFileException ex) {
			throw new MaskingKeyException("The masking keyset file " + this.keysetFile + ", named by "
					+ "logins.masking.keyset-file (LOGINS_MASKING_KEYSET_FILE), does not exist.", ex);
		}
		catch (IOException ex) {
			throw new MaskingKeyException("The masking keyset file " + this.keysetFile + ", named by "
					+ "logins.masking.keyset-file (LOGINS_MASKING_KEYSET_FILE), cannot be read: " + ex, ex);
		}
	}

}
