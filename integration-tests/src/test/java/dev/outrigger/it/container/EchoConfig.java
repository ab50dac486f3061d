package dev.outrigger.it.container;

/** Seed 000's demo app: nginx answering every request with what it sees of the connection. */
final class EchoConfig {
  private EchoConfig() {}

  static final String TEXT = nginx("""
        server {
          listen 0.0.0.0:80;
          location / {
            default_type text/plain;
            return 200 "Hostname: $hostname\\nUser: $remote_user\\nProtocol: $server_protocol\\nMethod: $request_method\\nPath: $request_uri\\nServer: $server_addr\\nHttp_host: $http_host\\nuser_agent: $http_user_agent\\nRemote IP: $remote_addr\\n";
          }
        }
      """);

  /** An nginx configuration for an unprivileged container (pid and temp files in /tmp) serving {@code servers}. */
  static String nginx(String servers) {
    return """
      daemon off;
      worker_processes 1;
      pid /tmp/nginx.pid;
      error_log stderr warn;
      events { worker_connections 64; }
      http {
        access_log off;
        client_body_temp_path /tmp/client_body;
        proxy_temp_path /tmp/proxy;
        fastcgi_temp_path /tmp/fastcgi;
        uwsgi_temp_path /tmp/uwsgi;
        scgi_temp_path /tmp/scgi;
      %s}
      """.formatted(servers);
  }
}
