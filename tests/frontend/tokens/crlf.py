if a:
    b = "x"

    c = 2
