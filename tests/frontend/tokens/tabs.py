if a:
	if b:
		c = 1
	d = 2
f = 4
if c:
  	g = 5
  	h = (6,
        7)
