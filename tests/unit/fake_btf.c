/* fake_btf.c — a tiny "kernel" BTF for tests: build it with
 *
 *	clang-19 -target bpf -O2 -g -c tests/unit/fake_btf.c -o build/fake_btf.o
 *
 * and pass the .o as --btf. Its task_struct has a field the running kernel
 * does not have (pybpf_no_such_field), so a probe compiled against it
 * fails CO-RE relocation at load time: the test of how that is reported.
 * It also has what a sched_switch tp_btf probe needs (btf_trace_sched_switch
 * and __traceiter_sched_switch for the argument names), and an enum.
 *
 * The globals keep every type in the object's BTF (clang -g only emits
 * types something refers to). Build with -O2: at -O0 clang leaves the
 * parameter names out of the function's BTF prototype.
 */
typedef int pid_t;
typedef unsigned long long u64;

struct mm_struct {
	unsigned long arg_start;
	unsigned long arg_end;
} __attribute__((preserve_access_index));

struct sched_entity {
	u64 vruntime;
} __attribute__((preserve_access_index));

struct task_struct {
	pid_t pid;
	pid_t tgid;
	char comm[16];
	struct mm_struct *mm;
	struct sched_entity se;
	unsigned int sched_reset_on_fork: 1;
	int pybpf_no_such_field;
	union {
		int pybpf_anon_a;
		long pybpf_anon_b;
	};
} __attribute__((preserve_access_index));

enum pybpf_fake_enum {
	PYBPF_FAKE_ZERO = 0,
	PYBPF_FAKE_ONE = 1,
};

typedef void (*btf_trace_sched_switch)(void *__data, _Bool preempt, struct task_struct *prev,
				       struct task_struct *next, unsigned int prev_state);

struct task_struct pybpf_fake_task;
struct mm_struct pybpf_fake_mm;
enum pybpf_fake_enum pybpf_fake_enum_value;
btf_trace_sched_switch pybpf_fake_tp;

/* a function: its BTF prototype carries the parameter names */
int __traceiter_sched_switch(void *__data, _Bool preempt, struct task_struct *prev,
			     struct task_struct *next, unsigned int prev_state)
{
	return prev_state;
}
