{{/* Short name of the chart's objects. */}}
{{- define "testvm-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: the release name when it already contains the chart's name ("testvm-operator" by default). */}}
{{- define "testvm-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "testvm-operator.serviceAccountName" -}}
{{- default (include "testvm-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* Pods of this release: the Deployment's selector and the metrics Service's. */}}
{{- define "testvm-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "testvm-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "testvm-operator.labels" -}}
{{ include "testvm-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Where a CA bundle is mounted, if one is configured. */}}
{{- define "testvm-operator.caBundleConfigMap" -}}
{{- if .Values.vcenter.caBundle -}}
{{- printf "%s-vcenter-ca" (include "testvm-operator.fullname" .) -}}
{{- else -}}
{{- .Values.vcenter.caBundleConfigMap.name -}}
{{- end -}}
{{- end -}}

{{- define "testvm-operator.caBundleKey" -}}
{{- if .Values.vcenter.caBundle -}}ca.pem{{- else -}}{{ .Values.vcenter.caBundleConfigMap.key }}{{- end -}}
{{- end -}}

{{/* Values that cannot work together fail the install with a message naming them. */}}
{{- define "testvm-operator.validate" -}}
{{- if and (not .Values.leaderElection.enabled) (gt (int .Values.replicaCount) 1) -}}
{{- fail "replicaCount > 1 needs leaderElection.enabled=true: without a Lease every replica would clone" -}}
{{- end -}}
{{- if and .Values.vcenter.insecure (or .Values.vcenter.thumbprint (include "testvm-operator.caBundleConfigMap" .)) -}}
{{- fail "vcenter.insecure=true turns TLS verification off; it cannot be combined with vcenter.thumbprint or a CA bundle" -}}
{{- end -}}
{{- if and .Values.vcenter.caBundle .Values.vcenter.caBundleConfigMap.name -}}
{{- fail "set vcenter.caBundle (PEM) or vcenter.caBundleConfigMap.name, not both" -}}
{{- end -}}
{{- end -}}
