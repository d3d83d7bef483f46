s = f'{a:{b}}'
