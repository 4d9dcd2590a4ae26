package com.loginetl.deploy;

import java.util.ArrayList;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * JSON schema validation in the test JVM (networknt's json-schema-validator) of the schemas
 * vendored in src/test/resources/deploy/schemas, with errors worded as ajv, the validator the npm
 * tools used, words them: {@code /spec/minReplicaCount must be integer}.
 */
final class JsonSchemas {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private JsonSchemas() {
	}

	/** A schema written for {@code version} (the dialect used when the schema names none). */
	static Schema schema(JsonNode schema, SpecificationVersion version) {
		return SchemaRegistry.withDefaultDialect(version).getSchema(schema);
	}

	/** The schema of a JSON file under src/test/resources, which may give itself a relative {@code $id}. */
	static Schema schema(String resource, SpecificationVersion version) {
		return SchemaRegistry.withDefaultDialect(version).getSchema(SchemaLocation.of("classpath:" + resource));
	}

	/** The schema's errors for {@code document} (maps, lists and scalars as YAML reads them); empty when valid. */
	static List<String> errors(Schema schema, Object document) {
		JsonNode instance = JSON.valueToTree(document);
		List<String> errors = new ArrayList<>();
		for (Error error : schema.validate(instance)) {
			errors.add(describe(error));
		}
		return errors;
	}

	private static String describe(Error error) {
		String path = pointer(error);
		JsonNode keywordValue = keywordValue(error);
		return switch (error.getKeyword()) {
			case "type" -> path + " must be " + typeNames(keywordValue);
			case "required" -> path + " must have required property " + error.getProperty();
			case "pattern" -> path + " must match pattern \"" + text(keywordValue) + "\"";
			case "enum" -> path + " must be equal to one of the allowed values " + keywordValue;
			case "additionalProperties" -> path + " must NOT have additional property " + error.getProperty();
			default -> path + " " + error.getKeyword() + ": " + error.getMessage();
		};
	}

	/** The value of the failed keyword in the schema (the validator hands over that value or its schema). */
	private static JsonNode keywordValue(Error error) {
		JsonNode node = error.getSchemaNode();
		if (node != null && node.isObject() && node.has(error.getKeyword())) {
			return node.get(error.getKeyword());
		}
		return node;
	}

	/** The instance location as a JSON pointer ({@code /services/login-etl/depends_on}), as ajv gives it. */
	private static String pointer(Error error) {
		StringBuilder pointer = new StringBuilder();
		var path = error.getInstanceLocation();
		for (int i = 0; i < path.getNameCount(); i++) {
			pointer.append('/').append(path.getElement(i));
		}
		return pointer.isEmpty() ? "/" : pointer.toString();
	}

	private static String typeNames(JsonNode type) {
		if (type == null) {
			return "of another type";
		}
		if (type.isArray()) {
			List<String> names = new ArrayList<>();
			type.forEach((name) -> names.add(name.asString()));
			return String.join(",", names);
		}
		return type.asString();
	}

	private static String text(JsonNode node) {
		return node == null ? "" : node.asString();
	}

}
