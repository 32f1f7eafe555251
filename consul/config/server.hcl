# A Consul SERVER agent of the cluster (three servers; see deploy/README.md). deploy/deploy.sh installs
# it as /etc/consul.d/consul.hcl on every host with the role consul-server. What differs per server
# comes from elsewhere:
#   - its address: CONSUL_BIND_ADDR in /etc/consul-mesh/consul.env, passed as -bind by
#     deploy/systemd/consul.service (Consul advertises the bind address to the other agents);
#   - its node name: the host name (must be unique in the cluster);
#   - bootstrap_expect and retry_join (the servers' addresses): /etc/consul.d/cluster.hcl, which
#     deploy.sh writes from the inventory.

server     = true
datacenter = "dc1"
data_dir   = "/var/lib/consul"

# The HTTP API and UI listen on loopback only: services and operators on this host use them. To reach
# the UI from an admin network, add this server's address, e.g. client_addr = "127.0.0.1 10.0.0.11"
# (or "127.0.0.1 {{ GetPrivateIP }}"), and firewall port 8500 to that network.
client_addr = "127.0.0.1"

ui_config {
  enabled = true
  # Each service's page in the UI links to the Grafana dashboard (deploy/grafana), its job variable the
  # service's Prometheus job. The operator's browser opens the link: put your Grafana's address here
  # (as it is, it expects one on the operator's own machine or a tunnel to it on port 3300).
  dashboard_url_templates {
    service = "http://127.0.0.1:3300/d/consul-mesh/consul-mesh?var-job={{Service.Name}}"
  }
}

ports {
  http     = 8500
  dns      = -1
  grpc     = -1
  grpc_tls = -1
  # server RPC 8300 (TCP) and LAN gossip 8301 (TCP+UDP) keep their defaults: open them between all
  # Consul agents. WAN gossip (8302) is only for joining datacenters.
}

# A server that is stopped (SIGTERM) does not leave the cluster: it stays a voter and rejoins when it
# comes back, so a rolling restart never shrinks the quorum. Autopilot removes servers that are gone
# for good once a replacement joins.
leave_on_terminate = false

autopilot {
  cleanup_dead_servers = true
}

performance {
  raft_multiplier = 1
}

disable_update_check = true
log_level            = "INFO"
