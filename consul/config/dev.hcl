# Local development agent: one in-memory agent (started with `consul agent -dev`) with the web UI.
# run-local.sh starts it with this file; the address and ports come from its command line
# (-bind / -client / -http-port), so the same file serves any local address.

node_name = "local-dev"
datacenter = "dc1"

ui_config {
  enabled = true
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
