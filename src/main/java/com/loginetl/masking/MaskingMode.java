package com.loginetl.masking;

/**
 * What a keyset's tokens allow. The mode follows the keyset's key type, so there is no separate
 * switch that could disagree with the key.
 */
public enum MaskingMode {

	/** Tink deterministic AEAD (AES-SIV): holders of the keyset can read values back. */
	REVERSIBLE("reversible (deterministic AEAD, AES256-SIV)"),

	/** Tink PRF (HMAC-SHA256): nobody, not even holders of the keyset, can read values back. */
	IRREVERSIBLE("irreversible (PRF, HMAC-SHA256)");

	private final String description;

	MaskingMode(String description) {
		this.description = description;
	}

	public String description() {
		return this.description;
	}

}
