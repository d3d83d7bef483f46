# leading comment
if a:

        # comment indented deeper
  # comment indented less
    b = 1   # trailing comment
	
    c = [1,
  2,
          3]
    d = (
)
e = 1 + \
        2 + \
3
