# A Consul CLIENT agent, one on every application server (see deploy/README.md). deploy/deploy.sh
# installs it as /etc/consul.d/consul.hcl on every host that is not a Consul server. Services register
# with the agent on their own server (CONSUL_HOST=127.0.0.1); the agent runs their health checks and
# forwards to the servers. What differs per host:
#   - its address: CONSUL_BIND_ADDR in /etc/consul-mesh/consul.env, passed as -bind by
#     deploy/systemd/consul.service: the address the other agents gossip with;
#   - its node name: the host name (must be unique in the cluster);
#   - retry_join (the servers' addresses): /etc/consul.d/cluster.hcl, written by deploy.sh.

server     = false
datacenter = "dc1"
data_dir   = "/var/lib/consul"

# Services on this host talk to the agent over loopback only; nothing else needs port 8500 here.
client_addr = "127.0.0.1"

ports {
  http     = 8500
  dns      = -1
  grpc     = -1
  grpc_tls = -1
}

# On SIGTERM the agent leaves the cluster (a client's default, spelled out): its node and the services
# registered with it leave the catalog at once instead of turning critical. Registrations are kept in
# data_dir and come back with the agent; the services also register again by themselves.
leave_on_terminate = true

disable_update_check = true
log_level            = "INFO"
