# PID 1 after switch_root, run by the host's /bin/sh from the read-only host root:
# mount what workloads expect, then run the jobs the host names on the
# virtio-serial control port, one at a time, until the VM is killed.
shared=/run/profilesmith
die() {
  echo "profilesmith-vm agent: $*"
  exit 1
}
mount -t proc proc /proc || die "cannot mount /proc"
mount -t sysfs sysfs /sys || die "cannot mount /sys"
mount -t securityfs securityfs /sys/kernel/security || die "cannot mount securityfs"
mount -t cgroup2 cgroup2 /sys/fs/cgroup || die "cannot mount cgroup2"
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts || die "cannot mount /dev/pts"
for dir in /dev/shm /tmp /var/tmp; do
  mount -t tmpfs tmpfs "$dir" || die "cannot mount $dir"
done

# Log every AppArmor denial: the default printk rate limit drops audit records.
echo 0 >/proc/sys/kernel/printk_ratelimit

port=
for device in /sys/class/virtio-ports/*; do
  [ "$(cat "$device/name")" = profilesmith.ctl ] && port=/dev/${device##*/}
done
[ -n "$port" ] || die "no virtio-serial port named profilesmith.ctl"

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root
cd /
exec 3<>"$port"
echo ready >&3
while read -r verb job <&3; do
  [ "$verb" = run ] || die "unknown request: $verb $job"
  dir=$shared/jobs/$job
  /bin/sh "$dir/script" </dev/null >"$dir/stdout" 2>"$dir/stderr" 3>&-
  echo $? >"$dir/status"
  echo "done $job" >&3
done
die "control port closed"
