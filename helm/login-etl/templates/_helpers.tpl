{{/* The chart's name, or nameOverride. */}}
{{- define "login-etl.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The fully qualified name of the release's objects: fullnameOverride, or the release name when it
already contains the chart's name, or "<release>-<chart>". At most 63 characters (DNS labels).
*/}}
{{- define "login-etl.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "login-etl.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels every object carries. */}}
{{- define "login-etl.labels" -}}
helm.sh/chart: {{ include "login-etl.chart" . }}
{{ include "login-etl.selectorLabels" . }}
app.kubernetes.io/version: {{ (.Values.image.tag | default .Chart.AppVersion) | toString | trunc 63 | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/* The labels that select the release's pods; they never change between upgrades. */}}
{{- define "login-etl.selectorLabels" -}}
app.kubernetes.io/name: {{ include "login-etl.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "login-etl.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "login-etl.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "login-etl.image" -}}
{{- $repository := .Values.image.repository }}
{{- if .Values.image.registry }}
{{- $repository = printf "%s/%s" .Values.image.registry .Values.image.repository }}
{{- end }}
{{- if .Values.image.digest }}
{{- printf "%s@%s" $repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" $repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}
{{- end }}

{{/* The JDBC URL: database.url, or one made from host, port and name. */}}
{{- define "login-etl.jdbcUrl" -}}
{{- if .Values.database.url }}
{{- .Values.database.url }}
{{- else }}
{{- printf "jdbc:postgresql://%s:%d/%s" .Values.database.host (int .Values.database.port) .Values.database.name }}
{{- end }}
{{- end }}

{{/*
The Secret that holds the database password: database.existingSecret, or the one the chart makes
from database.password, or "<fullname>-database" for the operator to create.
*/}}
{{- define "login-etl.databaseSecretName" -}}
{{- if and .Values.database.existingSecret .Values.database.password }}
{{- fail "database: set either existingSecret (recommended) or password, not both" }}
{{- end }}
{{- .Values.database.existingSecret | default (printf "%s-database" (include "login-etl.fullname" .)) }}
{{- end }}

{{- define "login-etl.databaseSecretKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecretPasswordKey }}{{ else }}password{{ end }}
{{- end }}

{{/* The Secret that holds the masking keyset, chosen like the database's. */}}
{{- define "login-etl.maskingSecretName" -}}
{{- if and .Values.masking.existingSecret .Values.masking.keyset }}
{{- fail "masking: set either existingSecret (recommended) or keyset, not both" }}
{{- end }}
{{- .Values.masking.existingSecret | default (printf "%s-masking" (include "login-etl.fullname" .)) }}
{{- end }}

{{- define "login-etl.maskingSecretKey" -}}
{{- if .Values.masking.existingSecret }}{{ .Values.masking.existingSecretKey }}{{ else }}keyset.json{{ end }}
{{- end }}

{{/* Where the keyset file appears in the container. */}}
{{- define "login-etl.keysetPath" -}}
/etc/login-etl/masking/keyset.json
{{- end }}

{{/* The queue KEDA watches: autoscaling.keda.queueURL, or sqs.queue when that is a URL. */}}
{{- define "login-etl.kedaQueueUrl" -}}
{{- if .Values.autoscaling.keda.queueURL }}
{{- .Values.autoscaling.keda.queueURL }}
{{- else if regexMatch "^https?://" .Values.sqs.queue }}
{{- .Values.sqs.queue }}
{{- else }}
{{- fail "autoscaling.keda: KEDA's aws-sqs-queue scaler needs the queue's URL; set autoscaling.keda.queueURL or give sqs.queue as a URL" }}
{{- end }}
{{- end }}
