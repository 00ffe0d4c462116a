#!/bin/busybox sh
# PID 1 of the initramfs: load the virtio and 9p modules (in the order listed in
# /modules/order), mount the host root read-only and the writable shared
# directory, then switch_root into the host root and start the agent there.
# switch_root, not chroot: AppArmor mediates paths from the namespace root.
B=/bin/busybox
die() {
  echo "profilesmith-vm init: $*"
  exit 1
}
$B mount -t proc proc /proc || die "cannot mount /proc"
$B mount -t devtmpfs devtmpfs /dev || die "cannot mount /dev"
for module in $($B cat /modules/order); do
  $B insmod "/modules/$module.ko" || die "insmod $module failed"
done
$B mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro host /newroot || die "cannot mount the host root"
$B mount -t tmpfs -o mode=0755 tmpfs /newroot/run || die "cannot mount /run"
$B mkdir /newroot/run/profilesmith
$B mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 shared /newroot/run/profilesmith ||
  die "cannot mount the shared directory"
$B mount --move /dev /newroot/dev || die "cannot move /dev"
$B umount /proc
exec $B switch_root /newroot /bin/sh /run/profilesmith/agent.sh
