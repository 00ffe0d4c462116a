abi <abi/3.0>,
include <tunables/global>

profile redis flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>

  network inet stream,

  # the container runtime stops the container (docker stop, kill)
  signal (receive) peer=unconfined,

  /etc/ssl/openssl.cnf r,
  /proc/sys/net/core/somaxconn r,
  /sys/devices/system/clocksource/clocksource0/current_clocksource r,
  /sys/kernel/mm/transparent_hugepage/enabled r,
  # covers /proc/15823/stat
  owner @{PROC}/@{pid}/stat r,

  /usr/bin/redis-check-rdb ix,
}
