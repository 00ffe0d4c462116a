abi <abi/3.0>,
include <tunables/global>

profile python-app flags=(attach_disconnected,mediate_deleted) {
  include <abstractions/base>

  # root writes or reads files whose mode bits do not let it (implied: the workload runs as root)
  capability dac_override,
  # root searches directories whose mode bits do not let it (implied: the workload runs as root)
  capability dac_read_search,
  # root changes the mode or times of files it does not own (implied: the workload runs as root)
  capability fowner,
  # root keeps set-id bits when writing or chmod-ing files (implied: the workload runs as root)
  capability fsetid,

  # the container runtime stops the container (docker stop, kill)
  signal (receive) peer=unconfined,

  /usr/local/lib/python3.11/dist-packages/ r,
  /usr/local/lib/python3.11/dist-packages/_sandboxing_egress_ca.pth r,
  /work/main/profiles/examples/python-app/ r,
  /work/main/profiles/examples/python-app/app.py r,
  /work/main/profiles/examples/python-app/input.txt r,

  /usr/bin/python3.11 ix,
}
