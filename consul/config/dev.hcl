# Local development agent: one in-memory agent (started with `consul agent -dev`) with the web UI.
# run-local.sh starts it with this file; the address and ports come from its command line
# (-bind / -client / -http-port), so the same file serves any local address.

node_name = "local-dev"
datacenter = "dc1"

ui_config {
  enabled = true
  # Each service's page in the UI links to its row of the Grafana dashboard (deploy/grafana): the
  # dashboard's uid is consul-mesh and its job variable the Prometheus job, named after the service.
  # A local Grafana on port 3300 (3000 is the gateway's); change the address to where yours runs.
  dashboard_url_templates {
    service = "http://127.0.0.1:3300/d/consul-mesh/consul-mesh?var-job={{Service.Name}}"
  }
}

# Only the HTTP API (and the UI on it) is needed locally; no DNS or gRPC listeners.
ports {
  dns      = -1
  grpc     = -1
  grpc_tls = -1
}

log_level = "INFO"

# Keep the dev agent from calling home.
disable_update_check = true
