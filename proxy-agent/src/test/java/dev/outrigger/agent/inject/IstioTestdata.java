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
