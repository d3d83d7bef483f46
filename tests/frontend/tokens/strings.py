'single' "double" '' ""
'it''s' "say \"hi\"" 'tab\there' 'nl\n' 'bs\\' 'q\'q'
'\a\b\f\v\r' '\0\7\101\1234' '\x00\x41\xff' '\u00e9\U0001F600' 'caf''é'
'\d\%' 'line\
continued'
r'raw\n\t' R"raw\"q" u'unicode' U"U"
b'bytes\x00\xff\n' B"B" br'\x00' Rb"x" bR'y' rB"\u00e9"
'''triple 'single' quoted
two lines'''
"""triple "double"
"""
x = ('implicit'
     "concat")
