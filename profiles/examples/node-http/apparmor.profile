abi <abi/3.0>,
include <tunables/global>

profile node-http flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>

  # root writes or reads files whose mode bits do not let it (implied: the workload runs as root)
  capability dac_override,
  # root searches directories whose mode bits do not let it (implied: the workload runs as root)
  capability dac_read_search,
  # root changes the mode or times of files it does not own (implied: the workload runs as root)
  capability fowner,
  # root keeps set-id bits when writing or chmod-ing files (implied: the workload runs as root)
  capability fsetid,

  network inet stream,

  # the container runtime stops the container (docker stop, kill)
  signal (receive) peer=unconfined,

  /etc/nsswitch.conf r,
  /etc/resolv.conf r,
  /etc/ssl/certs/ca-certificates.crt r,
  /etc/ssl/openssl.cnf r,
  # covers /sys/fs/cgroup/memory/process_api/69134c8d57a42144f2ee8ea1630b5f99/memory.limit_in_bytes
  /sys/fs/cgroup/memory/process_api/[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/memory.limit_in_bytes r,
  # covers /sys/fs/cgroup/memory/process_api/69134c8d57a42144f2ee8ea1630b5f99/memory.soft_limit_in_bytes
  /sys/fs/cgroup/memory/process_api/[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]/memory.soft_limit_in_bytes r,
  /work/main/package.json r,
  /work/main/profiles/examples/node-http/server.js r,
  # covers /proc/16143/cgroup
  owner @{PROC}/@{pid}/cgroup r,

  /usr/bin/node rix,
}
