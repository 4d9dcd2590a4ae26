package com.loginetl.masking;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.prf.HmacPrfKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Recorded tokens of fixed inputs under the fixed test keysets. Stored rows are matched by token,
 * so a change to canonicalisation, associated data, the PRF input or the encoding would split
 * every old row from its new duplicates: these tests fail first. Network tokens ({@code IP_NETWORK})
 * are pinned too: an IPv4 /24, an IPv6 /48 in two spellings, and an IPv4-mapped address.
 */
class KnownAnswerTest {

	@ParameterizedTest(name = "reversible {0} {1}")
	@CsvSource(delimiter = '|', textBlock = """
			IP        | 198.51.100.23                           | AcZMrNX44MkkldGiDyBL2_BlEJs8DGvPCOWxuF_P5nx92Q
			IP        | 2001:db8::8a2e:370:7334                 | AcZMrNXNuH3B-OlzAUq82X4L8OkxjYwclULUaIL_8R7uv4q_dmaMd5EP5mI
			IP        | 2001:0DB8:0000:0000:0000:8A2E:0370:7334 | AcZMrNXNuH3B-OlzAUq82X4L8OkxjYwclULUaIL_8R7uv4q_dmaMd5EP5mI
			DEVICE_ID | 593-47-5928                             | AcZMrNXzMLllJWs8-58upJjaJkGqPfVcXfScSSS-j5Y
			DEVICE_ID | Gerät-ü-✓-😀                            | AcZMrNVOh2wZIxWHhrNfm5nR72apjaTpZD2yUDPggPG_WcI49pNv
			IP        | 593-47-5928                             | AcZMrNVTfMzu7aQeckUPfvQr9sj7o8fkM5vdKo_8E74
			IP_NETWORK | 198.51.100.23                          | AcZMrNX4bf3nb0igfsv_c0d1Y1nBNOJ0L6AubcvTJaOyYFxg
			IP_NETWORK | 198.51.100.200                         | AcZMrNX4bf3nb0igfsv_c0d1Y1nBNOJ0L6AubcvTJaOyYFxg
			IP_NETWORK | 2001:db8:1:2::8a2e:370:7334            | AcZMrNWlMpcUBa8Ggbl4agld_rk3KRszz7LSqVu093COYY6u
			IP_NETWORK | 2001:0DB8:0001:FFFF:0000:0000:0000:0001 | AcZMrNWlMpcUBa8Ggbl4agld_rk3KRszz7LSqVu093COYY6u
			IP_NETWORK | ::ffff:198.51.100.7                    | AcZMrNX4bf3nb0igfsv_c0d1Y1nBNOJ0L6AubcvTJaOyYFxg
			""")
	void reversibleTokensAreTheRecordedOnes(PiiField field, String value, String token) {
		assertThat(TestKeysets.masker(TestKeysets.REVERSIBLE).mask(field, value)).isEqualTo(token);
	}

	@ParameterizedTest(name = "reversible, rotated {0} {1}")
	@CsvSource(delimiter = '|', textBlock = """
			IP        | 198.51.100.23                           | Ab6C8DWKOq3ZU3TlNst9T0ldEwH-jLGkl3aebqR84orB1w
			IP        | 2001:db8::8a2e:370:7334                 | Ab6C8DXkRSAivN4DhbMjwRr6TH2VfERbL9y6CbKnd67J0EWeDfpPJrK3Lms
			IP        | 2001:0DB8:0000:0000:0000:8A2E:0370:7334 | Ab6C8DXkRSAivN4DhbMjwRr6TH2VfERbL9y6CbKnd67J0EWeDfpPJrK3Lms
			DEVICE_ID | 593-47-5928                             | Ab6C8DVkY85xX9zbR-OsEP_5UIo_SSsuhc1nQJYIY20
			DEVICE_ID | Gerät-ü-✓-😀                            | Ab6C8DVWU27S51n-pvru14w1OjF-Bos-bc65s6REWSOaAY93AWce
			IP        | 593-47-5928                             | Ab6C8DVXbnxs8-gD3Q3NsLXI_HX2cIrNu-DNrKFDDGE
			IP_NETWORK | 198.51.100.23                          | Ab6C8DVk4KMSRi7q4u3VegI9z0yd-g3fpvdlSxopSIE3yIPI
			IP_NETWORK | 198.51.100.200                         | Ab6C8DVk4KMSRi7q4u3VegI9z0yd-g3fpvdlSxopSIE3yIPI
			IP_NETWORK | 2001:db8:1:2::8a2e:370:7334            | Ab6C8DWZ7h4q4t39dkbNfEzLeeqt0XGruForMI2Xwm4_ifJU
			IP_NETWORK | 2001:0DB8:0001:FFFF:0000:0000:0000:0001 | Ab6C8DWZ7h4q4t39dkbNfEzLeeqt0XGruForMI2Xwm4_ifJU
			IP_NETWORK | ::ffff:198.51.100.7                    | Ab6C8DVk4KMSRi7q4u3VegI9z0yd-g3fpvdlSxopSIE3yIPI
			""")
	void afterARotationNewTokensAreThePrimaryKeysRecordedOnes(PiiField field, String value, String token) {
		assertThat(TestKeysets.masker(TestKeysets.REVERSIBLE_ROTATED).mask(field, value)).isEqualTo(token);
	}

	@ParameterizedTest(name = "irreversible {0} {1}")
	@CsvSource(delimiter = '|', textBlock = """
			IP        | 198.51.100.23                           | An6pBsd5u1wrQ9kO0Ji02E6YVCz6hDPZjl6u8eFt2EwpYxmk6Q
			IP        | 2001:db8::8a2e:370:7334                 | An6pBse3RjYt4vsrn8dnInBiZf6U4mr5IuydSO06LANvhGXtoQ
			IP        | 2001:0DB8:0000:0000:0000:8A2E:0370:7334 | An6pBse3RjYt4vsrn8dnInBiZf6U4mr5IuydSO06LANvhGXtoQ
			DEVICE_ID | 593-47-5928                             | An6pBsdZbAEFiXs68WFTo1gGkMRrQ_UifCIgmBg0uJsE0fL0Hg
			DEVICE_ID | Gerät-ü-✓-😀                            | An6pBsfyQ5EQ8VWb7wjNmUeuNxqlADb3sb_VL1jQfrUs3tCkzg
			IP        | 593-47-5928                             | An6pBseVFZEBHNvHXjjfz_2j1oqNQ73DQe0zW1pwYl5icXqZEg
			IP_NETWORK | 198.51.100.23                          | An6pBscLpFywSc48ZB5mtQmiFtZisNTSWkMvqjpg5NWMKxueZA
			IP_NETWORK | 198.51.100.200                         | An6pBscLpFywSc48ZB5mtQmiFtZisNTSWkMvqjpg5NWMKxueZA
			IP_NETWORK | 2001:db8:1:2::8a2e:370:7334            | An6pBsfN8d9YU2T5pNo5lzpaS3H_NDUh4uysODLLbmKWMfyKIg
			IP_NETWORK | 2001:0DB8:0001:FFFF:0000:0000:0000:0001 | An6pBsfN8d9YU2T5pNo5lzpaS3H_NDUh4uysODLLbmKWMfyKIg
			IP_NETWORK | ::ffff:198.51.100.7                    | An6pBscLpFywSc48ZB5mtQmiFtZisNTSWkMvqjpg5NWMKxueZA
			""")
	void irreversibleTokensAreTheRecordedOnes(PiiField field, String value, String token) {
		assertThat(TestKeysets.masker(TestKeysets.IRREVERSIBLE).mask(field, value)).isEqualTo(token);
	}

	@ParameterizedTest(name = "irreversible, rotated {0} {1}")
	@CsvSource(delimiter = '|', textBlock = """
			IP        | 198.51.100.23                           | Ahll6Pi6crltqUWQthEQ1fv4taKLwRo2pg_wXcBynrxfacQeRw
			IP        | 2001:0DB8:0000:0000:0000:8A2E:0370:7334 | Ahll6PiEIQVt1bS5xqfo-iOa56t66GhR8sGlakigby3psJWvew
			DEVICE_ID | 593-47-5928                             | Ahll6PgE_y9GvWLQl3KQaCRM04S6DQwY8BxYy7usY95Uyhxrcg
			DEVICE_ID | Gerät-ü-✓-😀                            | Ahll6PiGzo52a8lOjVIm5_p9-UYxT7XE3P3eS9wQ_W4b8SrNNg
			IP_NETWORK | 198.51.100.23                          | Ahll6PhL-Vrswvld8kje97Y9HKUMj1fen_kele5OuTo-ZoDRMQ
			IP_NETWORK | 198.51.100.200                         | Ahll6PhL-Vrswvld8kje97Y9HKUMj1fen_kele5OuTo-ZoDRMQ
			IP_NETWORK | 2001:db8:1:2::8a2e:370:7334            | Ahll6PiOFcyfslKNaq-CZ0FbQV2yL8Xupt4T_hZ7btPyCue86w
			IP_NETWORK | 2001:0DB8:0001:FFFF:0000:0000:0000:0001 | Ahll6PiOFcyfslKNaq-CZ0FbQV2yL8Xupt4T_hZ7btPyCue86w
			IP_NETWORK | ::ffff:198.51.100.7                    | Ahll6PhL-Vrswvld8kje97Y9HKUMj1fen_kele5OuTo-ZoDRMQ
			""")
	void afterARotationNewIrreversibleTokensAreThePrimaryKeysRecordedOnes(PiiField field, String value, String token) {
		assertThat(TestKeysets.masker(TestKeysets.IRREVERSIBLE_ROTATED).mask(field, value)).isEqualTo(token);
	}

	@Test
	void recordedTokensOfTheOldKeyStillReadBackAfterARotationAndRemaskIntoThePrimarysTokens() {
		PiiMasker rotated = TestKeysets.masker(TestKeysets.REVERSIBLE_ROTATED);
		String oldToken = "AcZMrNXNuH3B-OlzAUq82X4L8OkxjYwclULUaIL_8R7uv4q_dmaMd5EP5mI";

		assertThat(rotated.unmask(oldToken)).contains(new PiiMasker.Unmasked(PiiField.IP, "2001:db8::8a2e:370:7334"));
		assertThat(rotated.remask(PiiField.IP, oldToken))
			.contains("Ab6C8DXkRSAivN4DhbMjwRr6TH2VfERbL9y6CbKnd67J0EWeDfpPJrK3Lms");
		assertThat(Integer.toUnsignedString(rotated.keyIdOf(oldToken).getAsInt())).isEqualTo("3326913749");
		assertThat(Integer.toUnsignedString(rotated.primaryKeyId())).isEqualTo("3196252213");
	}

	@Test
	void reversibleTokensAreTinksCiphertextWithItsKeyIdPrefix() {
		byte[] token = Base64.getUrlDecoder().decode("AcZMrNXzMLllJWs8-58upJjaJkGqPfVcXfScSSS-j5Y");

		assertThat(token[0]).isEqualTo((byte) 0x01);
		assertThat(Integer.toUnsignedString(ByteBuffer.wrap(token, 1, 4).getInt())).isEqualTo("3326913749");
		assertThat(token).hasSize(5 + 16 + "593-47-5928".length());
	}

	@Test
	void networkTokensReadBackAsTheCanonicalCidrOfTheNetwork() {
		PiiMasker masker = TestKeysets.masker(TestKeysets.REVERSIBLE);

		assertThat(masker.unmask("AcZMrNX4bf3nb0igfsv_c0d1Y1nBNOJ0L6AubcvTJaOyYFxg"))
			.contains(new PiiMasker.Unmasked(PiiField.IP_NETWORK, "198.51.100.0/24"));
		assertThat(masker.unmask("AcZMrNWlMpcUBa8Ggbl4agld_rk3KRszz7LSqVu093COYY6u"))
			.contains(new PiiMasker.Unmasked(PiiField.IP_NETWORK, "2001:db8:1::/48"));
	}

	/** The documented one-way format, recomputed with the JDK's HMAC instead of Tink. */
	@Test
	void irreversibleTokensAreTheDocumentedFormat() throws Exception {
		KeysetHandle keyset = Keysets.parse(TestKeysets.json(TestKeysets.IRREVERSIBLE));
		byte[] key = ((HmacPrfKey) keyset.getPrimary().getKey()).getKeyBytes()
			.toByteArray(InsecureSecretKeyAccess.get());
		Mac hmac = Mac.getInstance("HmacSHA256");
		hmac.init(new SecretKeySpec(key, "HmacSHA256"));
		byte[] mac = hmac.doFinal("ip\u0000198.51.100.23".getBytes(StandardCharsets.UTF_8));
		byte[] expected = ByteBuffer.allocate(37).put((byte) 0x02).putInt(keyset.getPrimary().getId()).put(mac).array();

		assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(expected))
			.isEqualTo("An6pBsd5u1wrQ9kO0Ji02E6YVCz6hDPZjl6u8eFt2EwpYxmk6Q");
		byte[] networkMac = hmac.doFinal("ip_network\u0000198.51.100.0/24".getBytes(StandardCharsets.UTF_8));
		byte[] network = ByteBuffer.allocate(37)
			.put((byte) 0x02)
			.putInt(keyset.getPrimary().getId())
			.put(networkMac)
			.array();
		assertThat(Base64.getUrlEncoder().withoutPadding().encodeToString(network))
			.isEqualTo("An6pBscLpFywSc48ZB5mtQmiFtZisNTSWkMvqjpg5NWMKxueZA");
	}

}
