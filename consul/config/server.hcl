# A Consul SERVER agent of a three-server cluster (see deploy/). Every server runs this file with its
# own environment: the agent reads CONSUL_BIND_ADDR etc. through the -bind / -client / -retry-join flags
# in deploy/systemd/consul-server.service, so this file holds what is the same on every server.

server           = true
bootstrap_expect = 3
datacenter       = "dc1"
data_dir         = "/var/lib/consul"

# The UI and HTTP API: reachable by operators; firewall port 8500 to your admin network.
ui_config {
  enabled = true
}

ports {
  http     = 8500
  dns      = 8600
  grpc     = -1
  grpc_tls = -1
  # serf_lan 8301 (TCP+UDP), serf_wan 8302, server RPC 8300: open between all Consul agents.
}

# Remove nodes whose agents left without saying so after 72 h (Consul's default), and reap
# critical services registered with DeregisterCriticalServiceAfter.
reconnect_timeout = "72h"

performance {
  raft_multiplier = 1
}

disable_update_check = true
log_level            = "INFO"
