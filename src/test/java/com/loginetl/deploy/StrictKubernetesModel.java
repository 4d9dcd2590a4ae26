package com.loginetl.deploy;

import java.util.Map;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import tools.jackson.databind.DeserializationConfig;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.BeanDescription;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.deser.BeanDeserializerBuilder;
import tools.jackson.databind.deser.ValueDeserializerModifier;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads rendered Kubernetes objects into fabric8's model classes the way the API server's strict
 * field validation would: an unknown field or a value of the wrong type is an error.
 * <p>
 * fabric8's models accept anything by default: each class has an "any setter" that files unknown
 * fields (a misspelt {@code pth}) under additionalProperties, and Jackson turns the string
 * {@code "8080"} into the integer 8080. Here the any setters are removed, unknown properties fail,
 * and no scalar is coerced into another type.
 */
final class StrictKubernetesModel {

	/** The built-in kinds the chart renders, by apiVersion/kind. */
	static final Map<String, Class<? extends HasMetadata>> KINDS = Map.of("v1/ConfigMap", ConfigMap.class,
			"v1/Secret", Secret.class, "v1/Service", Service.class, "v1/ServiceAccount", ServiceAccount.class,
			"apps/v1/Deployment", Deployment.class, "autoscaling/v2/HorizontalPodAutoscaler",
			HorizontalPodAutoscaler.class, "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
			"networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class, "batch/v1/CronJob", CronJob.class, "v1/Pod",
			Pod.class);

	private static final JsonMapper MAPPER = strictMapper();

	private StrictKubernetesModel() {
	}

	/** True for the kinds {@link #KINDS} knows. */
	static boolean isBuiltIn(Map<String, Object> object) {
		return KINDS.containsKey(key(object));
	}

	/** The object as its model class; fails on an unknown kind, field or mistyped value. */
	static HasMetadata read(Map<String, Object> object) {
		Class<? extends HasMetadata> type = KINDS.get(key(object));
		if (type == null) {
			throw new IllegalArgumentException("No Kubernetes model class for " + key(object));
		}
		return MAPPER.convertValue(object, type);
	}

	static <T> T read(Map<String, Object> object, Class<T> type) {
		return MAPPER.convertValue(object, type);
	}

	private static String key(Map<String, Object> object) {
		return object.get("apiVersion") + "/" + object.get("kind");
	}

	private static JsonMapper strictMapper() {
		SimpleModule noAnySetters = new SimpleModule("no-any-setters");
		noAnySetters.setDeserializerModifier(new ValueDeserializerModifier() {

			@Override
			public BeanDeserializerBuilder updateBuilder(DeserializationConfig config,
					BeanDescription.Supplier description, BeanDeserializerBuilder builder) {
				builder.setAnySetter(null);
				return builder;
			}

		});
		return JsonMapper.builder()
			.addModule(noAnySetters)
			.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
			.withCoercionConfig(LogicalType.Integer, (config) -> config.setCoercion(CoercionInputShape.String,
					CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Float, (config) -> config.setCoercion(CoercionInputShape.String,
					CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Boolean, (config) -> config.setCoercion(CoercionInputShape.String,
					CoercionAction.Fail))
			.withCoercionConfig(LogicalType.Textual, (config) -> config
				.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
				.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
			.build();
	}

}
