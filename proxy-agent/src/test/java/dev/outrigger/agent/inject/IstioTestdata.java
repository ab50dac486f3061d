package dev.outrigger.agent.inject;

/** Inputs of Istio's injector tests (istio/istio pkg/kube/inject/testdata/inject), as the tests here use them. */
final class IstioTestdata {
  private IstioTestdata() {}

  /** hello.yaml: a Deployment of one container with labels app, tier and track. */
  static final String HELLO = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello
      spec:
        replicas: 7
        selector:
          matchLabels:
            app: hello
            tier: backend
            track: stable
        template:
          metadata:
            labels:
              app: hello
              tier: backend
              track: stable
          spec:
            containers:
              - name: hello
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 80
      """;

  /** hello-host-network.yaml: hello on the host's network; Istio's golden is the input unchanged. */
  static final String HELLO_HOST_NETWORK = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello-host-network
      spec:
        replicas: 7
        selector:
          matchLabels:
            app: hello-host-network
            tier: backend
            track: stable
        template:
          metadata:
            labels:
              app: hello-host-network
              tier: backend
              track: stable
          spec:
            containers:
              - name: hello-host-network
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 80
            hostNetwork: true
      """;

  /** gateway.yaml: a pod of only an istio-proxy container (image: auto) asking for the gateway template. */
  static final String GATEWAY = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: istio-ingressgateway
      spec:
        selector:
          matchLabels:
            istio: ingressgateway
        template:
          metadata:
            labels:
              istio: ingressgateway
            annotations:
              inject.istio.io/templates: gateway
          spec:
            containers:
            - name: istio-proxy
              image: auto
              imagePullPolicy: IfNotPresent
      """;

  /**
   * proxy-override.yaml: the pod's own istio-init (custom args and image) and istio-proxy (image: auto;
   * resources, a liveness probe, tty, terminationMessagePath, a volume mount, a preStop hook, a security
   * context with runAsUser 1234), which Istio's golden shows merged over the injected containers.
   */
  static final String PROXY_OVERRIDE = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello
      spec:
        selector:
          matchLabels:
            app: hello
        template:
          metadata:
            labels:
              app: hello
          spec:
            initContainers:
            - name: istio-init
              args:
              - my
              - custom
              - args
              image: fake/custom-image
            containers:
              - name: hello
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
              - name: istio-proxy
                image: auto
                resources:
                  requests:
                    cpu: 123m
                  limits:
                    cpu: 3000m
                livenessProbe:
                  failureThreshold: 30
                  httpGet:
                    path: /healthz/ready
                    port: 15021
                  initialDelaySeconds: 10
                  periodSeconds: 2
                  timeoutSeconds: 3
                # Check various types merge find
                tty: true
                terminationMessagePath: "/foo/bar"
                volumeMounts:
                  - mountPath: /etc/certs
                    name: certs
                lifecycle:
                  preStop:
                    exec:
                      command: ["sleep", "10"]
                securityContext:
                  allowPrivilegeEscalation: true
                  readOnlyRootFilesystem: false
                  # These should not be removed or ignored, should be honored
                  runAsUser: 1234
                  runAsGroup: 1234
            volumes:
              - name: certs
                secret:
                  secretName: istio-certs
      """;

  /** proxy-override-args.yaml: an istio-proxy that replaces the injected args and command. */
  static final String PROXY_OVERRIDE_ARGS = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello
      spec:
        selector:
          matchLabels:
            app: hello
        template:
          metadata:
            labels:
              app: hello
          spec:
            containers:
            - name: hello
              image: "fake.docker.io/google-samples/hello-go-gke:1.0"
            - name: istio-proxy
              image: auto
              # Test that we can override a complex field like the command
              args: ["-c", "my-config.yaml"]
              command:
              - envoy
      """;

  /** The sidecar.istio.io/status of Istio's goldens for a classic (not native) sidecar. */
  static final String ISTIO_STATUS = "{\"initContainers\":[\"istio-init\"],\"containers\":[\"istio-proxy\"],"
      + "\"volumes\":[\"workload-socket\",\"credential-socket\",\"workload-certs\",\"istio-envoy\",\"istio-data\","
      + "\"istio-podinfo\",\"istio-token\",\"istiod-ca-cert\",\"istio-ca-crl\"],\"imagePullSecrets\":null,"
      + "\"revision\":\"default\"}";

  /** hello-probes.yaml: named and numeric httpGet probes, an exec probe, httpGet preStop and tcpSocket postStart hooks. */
  static final String HELLO_PROBES = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello
      spec:
        replicas: 7
        selector:
          matchLabels:
            app: hello
            tier: backend
            track: stable
        template:
          metadata:
            labels:
              app: hello
              tier: backend
              track: stable
          spec:
            containers:
              - name: hello
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 80
                livenessProbe:
                  httpGet:
                    port: http
                readinessProbe:
                  httpGet:
                    port: 3333
                lifecycle:
                  preStop:
                    httpGet:
                      port: 91
                  postStart:
                    tcpSocket:
                      port: 93
              - name: world
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 90
                livenessProbe:
                  httpGet:
                    port: http
                readinessProbe:
                  exec:
                    command:
                      - cat
                      - /tmp/healthy
      """;

  /** https-probes.yaml: hello's readiness probe is HTTPS. */
  static final String HTTPS_PROBES = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello
      spec:
        replicas: 7
        selector:
          matchLabels:
            app: hello
            tier: backend
            track: stable
        template:
          metadata:
            labels:
              app: hello
              tier: backend
              track: stable
          spec:
            containers:
              - name: hello
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 80
                livenessProbe:
                  httpGet:
                    port: http
                readinessProbe:
                  httpGet:
                    port: 3333
                    scheme: HTTPS
              - name: world
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 90
                livenessProbe:
                  httpGet:
                    port: http
                readinessProbe:
                  exec:
                    command:
                      - cat
                      - /tmp/healthy
      """;

  /** tcp-probes.yaml: tcpSocket probes, one on a named port. */
  static final String TCP_PROBES = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello
      spec:
        replicas: 7
        selector:
          matchLabels:
            app: hello
            tier: backend
            track: stable
        template:
          metadata:
            labels:
              app: hello
              tier: backend
              track: stable
          spec:
            containers:
              - name: hello
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 80
                livenessProbe:
                  tcpSocket:
                    port: http
                readinessProbe:
                  tcpSocket:
                    port: 3333
      """;

  /** startup_ready_live.yaml: startup, liveness and readiness probes. */
  static final String STARTUP_READY_LIVE = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello
      spec:
        replicas: 7
        selector:
          matchLabels:
            app: hello
            tier: backend
            track: stable
        template:
          metadata:
            labels:
              app: hello
              tier: backend
              track: stable
          spec:
            containers:
              - name: hello
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 80
                startupProbe:
                  httpGet:
                    port: 3333
                livenessProbe:
                  httpGet:
                    port: http
                readinessProbe:
                  httpGet:
                    port: 3333
              - name: world
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 90
                startupProbe:
                  httpGet:
                    port: http
                livenessProbe:
                  httpGet:
                    port: http
                readinessProbe:
                  exec:
                    command:
                      - cat
                      - /tmp/healthy
      """;

  /** hello-probes-with-flag-unset-in-annotation.yaml: sidecar.istio.io/rewriteAppHTTPProbers "false". */
  static final String HELLO_PROBES_REWRITE_OFF = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: hello
      spec:
        replicas: 7
        selector:
          matchLabels:
            app: hello
            tier: backend
            track: stable
        template:
          metadata:
            annotations:
              sidecar.istio.io/rewriteAppHTTPProbers: "false"
            labels:
              app: hello
              tier: backend
              track: stable
          spec:
            containers:
              - name: hello
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 80
                livenessProbe:
                  httpGet:
                    port: http
                readinessProbe:
                  httpGet:
                    port: 3333
              - name: world
                image: "fake.docker.io/google-samples/hello-go-gke:1.0"
                ports:
                  - name: http
                    containerPort: 90
                livenessProbe:
                  httpGet:
                    port: http
                readinessProbe:
                  exec:
                    command:
                      - cat
                      - /tmp/healthy
      """;

  /** prometheus-scrape.yaml: a Pod with prometheus.io/scrape "false". */
  static final String PROMETHEUS_SCRAPE = """
      apiVersion: v1
      kind: Pod
      metadata:
        annotations:
          prometheus.io/scrape: "false"
        name: hellopod
      spec:
        containers:
          - name: hello
            image: "fake.docker.io/google-samples/hello-go-gke:1.0"
            ports:
              - name: http
                containerPort: 80
      """;

  /** prometheus-scrape2.yaml: the same with the variant spelling prometheus.io.scrape. */
  static final String PROMETHEUS_SCRAPE2 = """
      apiVersion: v1
      kind: Pod
      metadata:
        annotations:
          prometheus.io.scrape: "false"
        name: hellopod
      spec:
        containers:
          - name: hello
            image: "fake.docker.io/google-samples/hello-go-gke:1.0"
            ports:
              - name: http
                containerPort: 80
      """;
}
