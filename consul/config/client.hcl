# A Consul CLIENT agent, one on every application server (see deploy/). Services register with the
# agent on their own server (spring.cloud.consul.host=127.0.0.1); the agent runs their health checks
# and forwards to the servers given by -retry-join.

server     = false
datacenter = "dc1"
data_dir   = "/var/lib/consul"

# Services on this host talk to the agent over loopback only.
client_addr = "127.0.0.1"

ports {
  http     = 8500
  dns      = -1
  grpc     = -1
  grpc_tls = -1
}

disable_update_check = true
log_level            = "INFO"
