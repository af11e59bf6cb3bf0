{{/*
Names and labels shared by every object of the chart.
*/}}

{{/* The prefix of every object's name: the release name, with the chart's name unless it already holds it. */}}
{{- define "cqrs-platform.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 40 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 40 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 40 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* The name of one service's objects: (dict "root" $ "component" "command-api"). */}}
{{- define "cqrs-platform.componentName" -}}
{{- printf "%s-%s" (include "cqrs-platform.fullname" .root) .component -}}
{{- end -}}

{{/* The labels that select one service's pods: (dict "root" $ "component" "command-api"). */}}
{{- define "cqrs-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* Every label of one service's objects. */}}
{{- define "cqrs-platform.labels" -}}
{{ include "cqrs-platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/part-of: cqrs-platform
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/* Labels of the shared objects (ConfigMap, Secret). */}}
{{- define "cqrs-platform.commonLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: cqrs-platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "cqrs-platform.configMapName" -}}
{{- printf "%s-config" (include "cqrs-platform.fullname" .) -}}
{{- end -}}

{{- define "cqrs-platform.secretName" -}}
{{- .Values.existingSecret | default (printf "%s-secret" (include "cqrs-platform.fullname" .)) -}}
{{- end -}}

{{/* The image of one service: (dict "root" $ "component" "command-api"). */}}
{{- define "cqrs-platform.image" -}}
{{- printf "%s/%s:%s" .root.Values.image.repository .component (.root.Values.image.tag | default .root.Chart.AppVersion) -}}
{{- end -}}
