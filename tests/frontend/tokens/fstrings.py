f'plain' F"upper" f''
f'{x}' f'a{x}b{y}c' f'{{literal}} {x} }}'
f'{x!r} {x!s} {x!a} {x:>10} {x!r:^10}'
f'{x=} {x = } {x=!s} {x=:5}'
f"{d['key']}" f'{d["key"]:x}' f"{a[1:2]}" f"{ {1: 2}[1] }"
f"{x if y else z}" f"{a != b}" f"{a == b=}" f"{(lambda: 1)()}"
rf'\d{x}\n' fr"{x}\t" Rf'{x}' f'\t{x}\n' f'\{x}'
f"""triple {x
} and {
    y + 1
}"""
f'{f"{x}"}'
