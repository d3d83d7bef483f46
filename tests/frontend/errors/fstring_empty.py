s = f'a{}b'
