s = f'{a} and {b c}'
