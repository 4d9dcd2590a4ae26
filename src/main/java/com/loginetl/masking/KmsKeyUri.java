package com.loginetl.masking;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An AWS KMS key as Tink names it: {@code aws-kms://} and the key's ARN,
 * {@code arn:aws:kms:REGION:ACCOUNT:key/ID}. Only a key ARN is accepted, not an alias: KMS answers a
 * Decrypt with the ARN of the key it used, and the service checks that it is this one.
 *
 * @param arn the key's ARN
 * @param region the key's region, where its KMS endpoint is
 */
record KmsKeyUri(String arn, String region) {

	static final String PREFIX = "aws-kms://";

	static final String SETTING = "logins.masking.kms-key-uri (LOGINS_MASKING_KMS_KEY_URI)";

	private static final Pattern KEY_ARN = Pattern
		.compile("arn:(aws[a-z-]*):kms:([a-z]{2}(?:-[a-z]+)+-\\d+):(\\d{12}):key/([A-Za-z0-9-]{1,128})");

	static KmsKeyUri parse(String uri) {
		Matcher arn = uri.startsWith(PREFIX) ? KEY_ARN.matcher(uri.substring(PREFIX.length())) : null;
		if (arn == null || !arn.matches()) {
			// The URI names a key, it is no secret: quoting it helps to spot the typo.
			throw new MaskingKeyException("The KMS key URI '" + uri + "', set by " + SETTING
					+ ", is not of the form aws-kms://arn:aws:kms:REGION:ACCOUNT:key/KEY_ID.",
					"Set " + SETTING + " to 'aws-kms://' followed by the key's ARN as 'aws kms describe-key --key-id "
							+ "KEY --query KeyMetadata.Arn' prints it (a key ARN, not an alias).",
					null);
		}
		return new KmsKeyUri(arn.group(0), arn.group(2));
	}

	@Override
	public String toString() {
		return PREFIX + this.arn;
	}

}
