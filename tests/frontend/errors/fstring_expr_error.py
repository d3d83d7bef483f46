s = f'x = {a +}'
