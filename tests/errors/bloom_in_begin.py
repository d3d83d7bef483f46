from pybpf import *

seen: BloomFilter[u32] = BloomFilter(max_entries=64)


@begin
def start() -> None:
    print(3 in seen)
