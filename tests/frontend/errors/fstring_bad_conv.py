s = f'{a!x}'
