// Validates custom resources against the JSON schemas that @kubernetes-models generates from the
// KEDA and Prometheus Operator CRDs (required fields, types, formats, enums). The deployment checks
// use the vendored CRDs in ../schemas; CustomResourceSchemasAgreementTest (-Pexternal-tools) runs
// this script to show that both give the same verdicts.
// Input: a JSON array of objects on stdin. Output: one JSON array of
// {apiVersion, kind, name, errors} on stdout. Exit status 1 when any object is invalid or of a
// kind this script has no schema for.
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject";
import { TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication";
import { PrometheusRule } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule";
import { ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor";

const models = new Map([
  ["keda.sh/v1alpha1/ScaledObject", ScaledObject],
  ["keda.sh/v1alpha1/TriggerAuthentication", TriggerAuthentication],
  ["monitoring.coreos.com/v1/PrometheusRule", PrometheusRule],
  ["monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor],
]);

const chunks = [];
for await (const chunk of process.stdin) {
  chunks.push(chunk);
}
const objects = JSON.parse(Buffer.concat(chunks).toString("utf8"));

let failed = false;
const results = objects.map((object) => {
  const key = `${object.apiVersion}/${object.kind}`;
  const result = { apiVersion: object.apiVersion, kind: object.kind, name: object.metadata?.name, errors: [] };
  const Model = models.get(key);
  if (!Model) {
    result.errors.push(`no schema for ${key}`);
  } else {
    try {
      new Model(object).validate();
    } catch (error) {
      result.errors.push(error.message);
    }
  }
  failed ||= result.errors.length > 0;
  return result;
});
process.stdout.write(JSON.stringify(results) + "\n");
process.exit(failed ? 1 : 0);
