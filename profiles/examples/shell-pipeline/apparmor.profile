abi <abi/3.0>,
include <tunables/global>

profile shell-pipeline flags=(attach_disconnected,mediate_deleted) {
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

  /usr/bin/cut ix,
  /usr/bin/dash ix,
  /usr/bin/grep ix,
  /usr/bin/tr ix,
}
