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
}
