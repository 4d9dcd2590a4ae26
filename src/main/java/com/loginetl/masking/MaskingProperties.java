package com.loginetl.masking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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
 */
@ConfigurationProperties("logins.masking")
public record MaskingProperties(String keyset, Path keysetFile, boolean allowDevelopmentKeyset) {

	static final String HOW_TO_FIX = "Create a keyset with 'java -jar login-etl.jar keygen' and pass it as "
			+ "logins.masking.keyset (LOGINS_MASKING_KEYSET) or as a file named by logins.masking.keyset-file "
			+ "(LOGINS_MASKING_KEYSET_FILE).";

	@ConstructorBinding
	public MaskingProperties {
	}

	/** A keyset source that refuses the development keyset, as production does. */
	public MaskingProperties(String keyset, Path keysetFile) {
		this(keyset, keysetFile, false);
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
