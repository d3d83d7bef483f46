#!/bin/busybox sh
# /init of the sched_ext tier's guest (tests/qemu/sched.py builds the
# initramfs): runs the schedulers of examples/sched and tests/qemu/sched
# under pybpf load, and prints what happened for the host to judge:
#   STATE label state ops      /sys/kernel/sched_ext/state and root/ops
#   RC label N                 an exit status
#   BEGIN label ... END label  a file's text
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
echo 1 > /proc/sys/net/core/bpf_jit_enable
SCX=/sys/kernel/sched_ext

state() { echo "STATE $1 $(cat $SCX/state) $(cat $SCX/root/ops 2>/dev/null || echo -)"; }
block() { echo "BEGIN $1"; cat "$2"; echo "END $1"; }
wait_state() {   # wait_state STATE: up to 60 s
	i=0
	while [ "$(cat $SCX/state)" != "$1" ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
}

echo "guest: kernel $(uname -r), $(nproc) CPUs"
state boot
cd /s
SPIN="4 ${SPIN_ITERS:-20000000}"
PP="4 ${PP_ROUNDS:-2000}"

# the kernel's own scheduler, for the benchmark
/t/work pingpong $PP > /tmp/bench_default.txt
block bench_default /tmp/bench_default.txt

# each example scheduler: registered, a workload under it, unregistered
for s in fifo vtime; do
	pybpf load $s.py --object $s.o --format json > /tmp/$s.out 2> /tmp/$s.err &
	pid=$!
	wait_state enabled
	state $s
	/t/work spin $SPIN > /tmp/$s.work
	echo "RC ${s}_work $?"
	block ${s}_work /tmp/$s.work
	/t/work pingpong $PP > /tmp/bench_$s.txt
	block bench_$s /tmp/bench_$s.txt
	kill -INT $pid
	wait $pid
	echo "RC ${s}_load $?"
	state ${s}_after
	block ${s}_out /tmp/$s.out
	block ${s}_err /tmp/$s.err
done

# a scheduler that stops dispatching: the watchdog ends it. A SCHED_FIFO
# spinner keeps a CPU's tick going (the watchdog's check runs there) while
# every fair task waits in the stalled queue.
/t/work rtbusy 15 &
rt=$!
pybpf load stall.py --object stall.o > /tmp/stall.out 2> /tmp/stall.err
echo "RC stall_load $?"
state stall_after
block stall_err /tmp/stall.err
/t/work spin $SPIN > /tmp/after.work
echo "RC after_stall_work $?"
block after_work /tmp/after.work
kill $rt 2>/dev/null
wait $rt

# a scheduler with a bug: the kernel ends it with an error
pybpf load baddsq.py --object baddsq.o > /tmp/baddsq.out 2> /tmp/baddsq.err
echo "RC baddsq_load $?"
state baddsq_after
block baddsq_err /tmp/baddsq.err

# hot reload of a pinned scheduler while a workload runs under it
pybpf load fifo.py --object fifo.o --pin pysched > /tmp/pin.out 2> /tmp/pin.err &
pid=$!
wait_state enabled
state pinned
/t/work spin 4 $((${SPIN_ITERS:-20000000} * 40)) > /tmp/reload.work &
wpid=$!
sleep 0.5
pybpf reload pysched vtime.py --object vtime.o > /tmp/reload.out 2> /tmp/reload.err
echo "RC reload $?"
kill -0 $wpid 2>/dev/null && echo "RC reload_work_running 0"
state reloaded
wait $wpid
echo "RC reload_work $?"
block reload_work /tmp/reload.work
block reload_err /tmp/reload.err
kill -INT $pid
wait $pid
echo "RC pin_load $?"
pybpf unload pysched > /tmp/unload.txt 2>&1
echo "RC unload $?"
block unload /tmp/unload.txt
state unloaded
block pin_err /tmp/pin.err

echo "SCHED-TIER-DONE at $(cut -d" " -f1 /proc/uptime) s of guest uptime"
poweroff -f
