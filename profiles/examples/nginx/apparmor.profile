abi <abi/3.0>,
include <tunables/global>

profile nginx flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>

  # chown at trace.strace:161 (to 65534:-1)
  capability chown,
  # root writes or reads files whose mode bits do not let it (implied: the workload runs as root)
  capability dac_override,
  # root searches directories whose mode bits do not let it (implied: the workload runs as root)
  capability dac_read_search,
  # root changes the mode or times of files it does not own (implied: the workload runs as root)
  capability fowner,
  # root keeps set-id bits when writing or chmod-ing files (implied: the workload runs as root)
  capability fsetid,
  # setgid at trace.strace:207
  capability setgid,
  # setuid at trace.strace:261
  capability setuid,

  network inet stream,
  network unix stream,

  # the container runtime stops the container (docker stop, kill)
  signal (receive) peer=unconfined,

  /etc/group r,
  /etc/nsswitch.conf r,
  /etc/passwd r,
  /etc/ssl/openssl.cnf r,
  /tmp/nginx-body w,
  /tmp/nginx-body/ w,
  /tmp/nginx-proxy w,
  /tmp/nginx-proxy/ w,
  /tmp/nginx.pid rw,
  /usr/share/nginx/html/index.html r,
  /work/main/profiles/examples/nginx/nginx.conf r,

  /usr/sbin/nginx ix,
}
