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
}
