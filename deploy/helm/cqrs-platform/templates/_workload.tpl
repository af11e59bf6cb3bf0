{{/*
The objects every service has, from one set of parameters:
  root       the chart's context ($)
  component  command-api, projector or query-api (also the image name)
  service    the service's values (.Values.commandApi, ...)
  port       the port it listens on (its *_ADDR is 0.0.0.0:<port>)
  addrVar    the variable holding its listen address
  database   whether it reads DATABASE_URL (and so PGPASSWORD)
  env        variables set directly (a list of name/value or name/valueFrom maps)
*/}}

{{- define "cqrs-platform.deployment" -}}
{{- $root := .root -}}
{{- $service := .service -}}
{{- $ctx := dict "root" $root "component" .component -}}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "cqrs-platform.componentName" $ctx }}
  labels:
    {{- include "cqrs-platform.labels" $ctx | nindent 4 }}
spec:
  {{- if not (and $service.autoscaling $service.autoscaling.enabled) }}
  replicas: {{ $service.replicas }}
  {{- end }}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      {{- include "cqrs-platform.selectorLabels" $ctx | nindent 6 }}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 0
      maxSurge: 1
  template:
    metadata:
      labels:
        {{- include "cqrs-platform.labels" $ctx | nindent 8 }}
      annotations:
        checksum/config: {{ include "cqrs-platform.configChecksum" $root }}
        {{- if $root.Values.metrics.podAnnotations }}
        prometheus.io/scrape: "true"
        prometheus.io/port: {{ .port | quote }}
        prometheus.io/path: /metrics
        {{- end }}
        {{- with $root.Values.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
        {{- with $service.podAnnotations }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
    spec:
      automountServiceAccountToken: {{ $root.Values.automountServiceAccountToken }}
      {{- with $root.Values.imagePullSecrets }}
      imagePullSecrets:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      securityContext:
        {{- toYaml $root.Values.podSecurityContext | nindent 8 }}
      terminationGracePeriodSeconds: {{ $service.terminationGracePeriodSeconds }}
      containers:
        - name: {{ .component }}
          image: {{ include "cqrs-platform.image" $ctx | quote }}
          imagePullPolicy: {{ $root.Values.image.pullPolicy }}
          ports:
            - name: http
              containerPort: {{ .port }}
              protocol: TCP
          env:
            - name: {{ .addrVar }}
              value: {{ printf "0.0.0.0:%v" .port | quote }}
            {{- with .env }}
            {{- toYaml . | nindent 12 }}
            {{- end }}
            {{- include "cqrs-platform.env" (dict "root" $root "component" .component "database" .database "extra" $service.env) | trim | nindent 12 }}
          # /healthz: the process is alive; /readyz: it can serve (503 while
          # it connects, restores or catches up), so traffic waits for it.
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 5
            periodSeconds: 10
            timeoutSeconds: 5
            failureThreshold: 6
          readinessProbe:
            httpGet:
              path: /readyz
              port: http
            periodSeconds: 5
            timeoutSeconds: 5
            failureThreshold: 3
          # Restoring partitions or connecting may take a while at start;
          # liveness waits for the first healthy answer.
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            periodSeconds: 5
            timeoutSeconds: 5
            failureThreshold: 24
          lifecycle:
            # Keeps serving while the endpoints controllers forget the pod;
            # SIGTERM then drains what is in flight.
            preStop:
              exec:
                command: ["sleep", {{ $root.Values.preStopSleepSeconds | quote }}]
          resources:
            {{- toYaml $service.resources | nindent 12 }}
          securityContext:
            {{- toYaml $root.Values.securityContext | nindent 12 }}
          volumeMounts:
            - name: tmp
              mountPath: /tmp
            {{- with $service.stateStore }}
            - name: state
              mountPath: {{ .path }}
            {{- end }}
      volumes:
        # The root filesystem is read-only; a scratch /tmp for libraries that want one.
        - name: tmp
          emptyDir:
            sizeLimit: 64Mi
        {{- with $service.stateStore }}
        - name: state
          emptyDir:
            sizeLimit: {{ .sizeLimit }}
        {{- end }}
      {{- with $root.Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- with $root.Values.tolerations }}
      tolerations:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      {{- if $root.Values.affinity }}
      affinity:
        {{- toYaml $root.Values.affinity | nindent 8 }}
      {{- else }}
      # Instances on different nodes where possible, so one node lost is not the service lost.
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    {{- include "cqrs-platform.selectorLabels" $ctx | nindent 20 }}
      {{- end }}
{{- end -}}

{{- define "cqrs-platform.service" -}}
{{- $ctx := dict "root" .root "component" .component -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "cqrs-platform.componentName" $ctx }}
  labels:
    {{- include "cqrs-platform.labels" $ctx | nindent 4 }}
spec:
  type: {{ .service.service.type }}
  selector:
    {{- include "cqrs-platform.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ .port }}
      targetPort: http
      protocol: TCP
{{- end -}}

{{- define "cqrs-platform.podDisruptionBudget" -}}
{{- $ctx := dict "root" .root "component" .component -}}
{{- if .service.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "cqrs-platform.componentName" $ctx }}
  labels:
    {{- include "cqrs-platform.labels" $ctx | nindent 4 }}
spec:
  maxUnavailable: {{ .service.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "cqrs-platform.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- end -}}
