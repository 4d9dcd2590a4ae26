package com.loginetl.masking;

import java.util.Base64;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PiiMaskerTest {

	private final PiiMasker masker = PiiMasker.from(new MaskingProperties(Keysets.generate(), null));

	@ParameterizedTest
	@EnumSource(MaskingMode.class)
	void equalValuesGiveEqualTokensAndDifferentValuesDifferentOnes(MaskingMode mode) {
		PiiMasker masker = PiiMasker.from(new MaskingProperties(Keysets.generate(mode), null));

		assertThat(masker.mask(PiiField.IP, "199.172.111.135")).isEqualTo(masker.mask(PiiField.IP, "199.172.111.135"))
			.isNotEqualTo(masker.mask(PiiField.IP, "199.172.111.136"));
		assertThat(masker.mask(PiiField.DEVICE_ID, "593-47-5928"))
			.isEqualTo(masker.mask(PiiField.DEVICE_ID, "593-47-5928"))
			.isNotEqualTo(masker.mask(PiiField.DEVICE_ID, "593-47-5929"));
	}

	@ParameterizedTest
	@EnumSource(MaskingMode.class)
	void anIpTokenNeverEqualsADeviceIdTokenOfTheSameText(MaskingMode mode) {
		PiiMasker masker = PiiMasker.from(new MaskingProperties(Keysets.generate(mode), null));

		assertThat(masker.mask(PiiField.IP, "593-47-5928")).isNotEqualTo(masker.mask(PiiField.DEVICE_ID, "593-47-5928"));
	}

	@Test
	void anotherKeyGivesOtherTokens() {
		PiiMasker other = PiiMasker.from(new MaskingProperties(Keysets.generate(), null));

		assertThat(other.mask(PiiField.IP, "10.0.0.1")).isNotEqualTo(this.masker.mask(PiiField.IP, "10.0.0.1"));
		assertThat(other.unmask(this.masker.mask(PiiField.IP, "10.0.0.1"))).isEmpty();
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', textBlock = """
			2001:db8::1                             | 2001:0DB8:0000:0000:0000:0000:0000:0001
			2001:db8::1                             | 2001:DB8::1
			2001:db8::1                             | 2001:db8:0:0:0:0:0:1
			::ffff:192.0.2.1                        | 192.0.2.1
			fe80::1                                 | FE80:0:0:0:0:0:0:1
			""")
	void oneAddressWrittenDifferentlyGivesOneToken(String one, String other) {
		assertThat(this.masker.mask(PiiField.IP, one)).isEqualTo(this.masker.mask(PiiField.IP, other));
	}

	@ParameterizedTest
	@EnumSource(MaskingMode.class)
	void addressesOfOneNetworkShareTheNetworkTokenAndOthersDoNot(MaskingMode mode) {
		PiiMasker masker = PiiMasker.from(new MaskingProperties(Keysets.generate(mode), null));

		assertThat(masker.mask(PiiField.IP_NETWORK, "192.0.2.1")).isEqualTo(masker.mask(PiiField.IP_NETWORK, "192.0.2.254"))
			.isEqualTo(masker.mask(PiiField.IP_NETWORK, "::ffff:192.0.2.9"))
			.isNotEqualTo(masker.mask(PiiField.IP_NETWORK, "192.0.3.1"))
			.isNotEqualTo(masker.mask(PiiField.IP, "192.0.2.0/24"));
		assertThat(masker.mask(PiiField.IP_NETWORK, "2001:db8:5::1"))
			.isEqualTo(masker.mask(PiiField.IP_NETWORK, "2001:DB8:5:FFFF:FFFF:FFFF:FFFF:FFFF"))
			.isNotEqualTo(masker.mask(PiiField.IP_NETWORK, "2001:db8:6::1"));
	}

	@Test
	void aNetworkTokenReadsBackAsCanonicalCidrText() {
		assertThat(this.masker.unmask(this.masker.mask(PiiField.IP_NETWORK, "203.0.113.77")))
			.contains(new PiiMasker.Unmasked(PiiField.IP_NETWORK, "203.0.113.0/24"));
		assertThat(this.masker.unmask(this.masker.mask(PiiField.IP_NETWORK, "2001:0DB8:ABCD:0012:0000:0000:0000:0001")))
			.contains(new PiiMasker.Unmasked(PiiField.IP_NETWORK, "2001:db8:abcd::/48"));
	}

	@ParameterizedTest
	@CsvSource(textBlock = """
			localhost
			example.com
			192.0.2.0/24
			999.1.1.1
			''
			""")
	void whatIsNoIpLiteralHasNoNetworkToken(String notAnAddress) {
		assertThat(this.masker.mask(PiiField.IP_NETWORK, notAnAddress)).isNull();
		assertThat(this.masker.mask(PiiField.IP_NETWORK, null)).isNull();
	}

	@Test
	void anythingThatIsNotAnIpLiteralIsMaskedAsSentWithoutALookup() {
		assertThat(this.masker.unmask(this.masker.mask(PiiField.IP, "localhost")).orElseThrow().value())
			.isEqualTo("localhost");
		assertThat(this.masker.mask(PiiField.IP, "example.com")).isNotEqualTo(this.masker.mask(PiiField.IP, "Example.com"));
	}

	@Test
	void tokensAreUrlSafeBase64AndFitTheColumn() {
		String longest = "d".repeat(PiiMasker.MAX_VALUE_BYTES);
		String token = this.masker.mask(PiiField.DEVICE_ID, longest);

		assertThat(token).matches("[A-Za-z0-9_-]+").hasSizeLessThanOrEqualTo(256);
		assertThat(Base64.getUrlDecoder().decode(token)).hasSize(5 + 16 + PiiMasker.MAX_VALUE_BYTES);
	}

	@Test
	void tokensDoNotContainTheValue() {
		assertThat(this.masker.mask(PiiField.IP, "10.0.0.1")).doesNotContain("10.0.0.1");
	}

	@Test
	void keyHoldersReadValuesBackWithTheirField() {
		assertThat(this.masker.unmask(this.masker.mask(PiiField.DEVICE_ID, "593-47-5928")))
			.contains(new PiiMasker.Unmasked(PiiField.DEVICE_ID, "593-47-5928"));
		assertThat(this.masker.unmask(this.masker.mask(PiiField.IP, "2001:DB8::1")))
			.contains(new PiiMasker.Unmasked(PiiField.IP, "2001:db8::1"));
		assertThat(this.masker.unmask(this.masker.mask(PiiField.DEVICE_ID, "Gerät-ü-✓")))
			.contains(new PiiMasker.Unmasked(PiiField.DEVICE_ID, "Gerät-ü-✓"));
	}

	@Test
	void nullStaysNull() {
		assertThat(this.masker.mask(PiiField.IP, null)).isNull();
	}

	@Test
	void garbageIsNotAToken() {
		assertThat(this.masker.unmask("not a token!")).isEmpty();
		assertThat(this.masker.unmask("AAAA")).isEmpty();
	}

	@Test
	void refusesToStartWithoutAKeysetAndNamesTheSetting() {
		assertThatThrownBy(() -> PiiMasker.from(new MaskingProperties(null, null)))
			.isInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("LOGINS_MASKING_KEYSET")
			.hasMessageContaining("logins.masking.keyset-file");
	}

	@Test
	void refusesTwoKeysetSources() {
		assertThatThrownBy(() -> PiiMasker.from(new MaskingProperties(Keysets.generate(), java.nio.file.Path.of("k"))))
			.isInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("only one");
	}

	@Test
	void refusesAKeysetThatIsNotOne() {
		assertThatThrownBy(() -> PiiMasker.from(new MaskingProperties("{\"not\": \"a keyset\"}", null)))
			.isInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("not a valid Tink JSON keyset");
	}

	@Test
	void refusesAnUnreadableKeysetFileAndNamesIt() {
		assertThatThrownBy(
				() -> PiiMasker.from(new MaskingProperties(null, java.nio.file.Path.of("/nonexistent/keyset.json"))))
			.isInstanceOf(MaskingKeyException.class)
			.hasMessageContaining("/nonexistent/keyset.json");
	}

}
