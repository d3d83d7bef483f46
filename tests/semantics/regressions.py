# Regressions found by porting the classic tools: a 300-branch elif chain,
# map reads inside loops, and str[256] parameters of helpers (one copy).
from pybpf import *

PID: Final[int] = 0
counts: Hash[u32, i64] = Hash()


def describe(name: str[256], n: int) -> None:
    print(name, n)


def bucket(x: int) -> int:
    if x == 0:
        return 0
    elif x == 1:
        return 7
    elif x == 2:
        return 14
    elif x == 3:
        return 21
    elif x == 4:
        return 28
    elif x == 5:
        return 35
    elif x == 6:
        return 42
    elif x == 7:
        return 49
    elif x == 8:
        return 56
    elif x == 9:
        return 63
    elif x == 10:
        return 70
    elif x == 11:
        return 77
    elif x == 12:
        return 84
    elif x == 13:
        return 91
    elif x == 14:
        return 98
    elif x == 15:
        return 105
    elif x == 16:
        return 112
    elif x == 17:
        return 119
    elif x == 18:
        return 126
    elif x == 19:
        return 133
    elif x == 20:
        return 140
    elif x == 21:
        return 147
    elif x == 22:
        return 154
    elif x == 23:
        return 161
    elif x == 24:
        return 168
    elif x == 25:
        return 175
    elif x == 26:
        return 182
    elif x == 27:
        return 189
    elif x == 28:
        return 196
    elif x == 29:
        return 203
    elif x == 30:
        return 210
    elif x == 31:
        return 217
    elif x == 32:
        return 224
    elif x == 33:
        return 231
    elif x == 34:
        return 238
    elif x == 35:
        return 245
    elif x == 36:
        return 252
    elif x == 37:
        return 259
    elif x == 38:
        return 266
    elif x == 39:
        return 273
    elif x == 40:
        return 280
    elif x == 41:
        return 287
    elif x == 42:
        return 294
    elif x == 43:
        return 301
    elif x == 44:
        return 308
    elif x == 45:
        return 315
    elif x == 46:
        return 322
    elif x == 47:
        return 329
    elif x == 48:
        return 336
    elif x == 49:
        return 343
    elif x == 50:
        return 350
    elif x == 51:
        return 357
    elif x == 52:
        return 364
    elif x == 53:
        return 371
    elif x == 54:
        return 378
    elif x == 55:
        return 385
    elif x == 56:
        return 392
    elif x == 57:
        return 399
    elif x == 58:
        return 406
    elif x == 59:
        return 413
    elif x == 60:
        return 420
    elif x == 61:
        return 427
    elif x == 62:
        return 434
    elif x == 63:
        return 441
    elif x == 64:
        return 448
    elif x == 65:
        return 455
    elif x == 66:
        return 462
    elif x == 67:
        return 469
    elif x == 68:
        return 476
    elif x == 69:
        return 483
    elif x == 70:
        return 490
    elif x == 71:
        return 497
    elif x == 72:
        return 504
    elif x == 73:
        return 511
    elif x == 74:
        return 518
    elif x == 75:
        return 525
    elif x == 76:
        return 532
    elif x == 77:
        return 539
    elif x == 78:
        return 546
    elif x == 79:
        return 553
    elif x == 80:
        return 560
    elif x == 81:
        return 567
    elif x == 82:
        return 574
    elif x == 83:
        return 581
    elif x == 84:
        return 588
    elif x == 85:
        return 595
    elif x == 86:
        return 602
    elif x == 87:
        return 609
    elif x == 88:
        return 616
    elif x == 89:
        return 623
    elif x == 90:
        return 630
    elif x == 91:
        return 637
    elif x == 92:
        return 644
    elif x == 93:
        return 651
    elif x == 94:
        return 658
    elif x == 95:
        return 665
    elif x == 96:
        return 672
    elif x == 97:
        return 679
    elif x == 98:
        return 686
    elif x == 99:
        return 693
    elif x == 100:
        return 700
    elif x == 101:
        return 707
    elif x == 102:
        return 714
    elif x == 103:
        return 721
    elif x == 104:
        return 728
    elif x == 105:
        return 735
    elif x == 106:
        return 742
    elif x == 107:
        return 749
    elif x == 108:
        return 756
    elif x == 109:
        return 763
    elif x == 110:
        return 770
    elif x == 111:
        return 777
    elif x == 112:
        return 784
    elif x == 113:
        return 791
    elif x == 114:
        return 798
    elif x == 115:
        return 805
    elif x == 116:
        return 812
    elif x == 117:
        return 819
    elif x == 118:
        return 826
    elif x == 119:
        return 833
    elif x == 120:
        return 840
    elif x == 121:
        return 847
    elif x == 122:
        return 854
    elif x == 123:
        return 861
    elif x == 124:
        return 868
    elif x == 125:
        return 875
    elif x == 126:
        return 882
    elif x == 127:
        return 889
    elif x == 128:
        return 896
    elif x == 129:
        return 903
    elif x == 130:
        return 910
    elif x == 131:
        return 917
    elif x == 132:
        return 924
    elif x == 133:
        return 931
    elif x == 134:
        return 938
    elif x == 135:
        return 945
    elif x == 136:
        return 952
    elif x == 137:
        return 959
    elif x == 138:
        return 966
    elif x == 139:
        return 973
    elif x == 140:
        return 980
    elif x == 141:
        return 987
    elif x == 142:
        return 994
    elif x == 143:
        return 1001
    elif x == 144:
        return 1008
    elif x == 145:
        return 1015
    elif x == 146:
        return 1022
    elif x == 147:
        return 1029
    elif x == 148:
        return 1036
    elif x == 149:
        return 1043
    elif x == 150:
        return 1050
    elif x == 151:
        return 1057
    elif x == 152:
        return 1064
    elif x == 153:
        return 1071
    elif x == 154:
        return 1078
    elif x == 155:
        return 1085
    elif x == 156:
        return 1092
    elif x == 157:
        return 1099
    elif x == 158:
        return 1106
    elif x == 159:
        return 1113
    elif x == 160:
        return 1120
    elif x == 161:
        return 1127
    elif x == 162:
        return 1134
    elif x == 163:
        return 1141
    elif x == 164:
        return 1148
    elif x == 165:
        return 1155
    elif x == 166:
        return 1162
    elif x == 167:
        return 1169
    elif x == 168:
        return 1176
    elif x == 169:
        return 1183
    elif x == 170:
        return 1190
    elif x == 171:
        return 1197
    elif x == 172:
        return 1204
    elif x == 173:
        return 1211
    elif x == 174:
        return 1218
    elif x == 175:
        return 1225
    elif x == 176:
        return 1232
    elif x == 177:
        return 1239
    elif x == 178:
        return 1246
    elif x == 179:
        return 1253
    elif x == 180:
        return 1260
    elif x == 181:
        return 1267
    elif x == 182:
        return 1274
    elif x == 183:
        return 1281
    elif x == 184:
        return 1288
    elif x == 185:
        return 1295
    elif x == 186:
        return 1302
    elif x == 187:
        return 1309
    elif x == 188:
        return 1316
    elif x == 189:
        return 1323
    elif x == 190:
        return 1330
    elif x == 191:
        return 1337
    elif x == 192:
        return 1344
    elif x == 193:
        return 1351
    elif x == 194:
        return 1358
    elif x == 195:
        return 1365
    elif x == 196:
        return 1372
    elif x == 197:
        return 1379
    elif x == 198:
        return 1386
    elif x == 199:
        return 1393
    elif x == 200:
        return 1400
    elif x == 201:
        return 1407
    elif x == 202:
        return 1414
    elif x == 203:
        return 1421
    elif x == 204:
        return 1428
    elif x == 205:
        return 1435
    elif x == 206:
        return 1442
    elif x == 207:
        return 1449
    elif x == 208:
        return 1456
    elif x == 209:
        return 1463
    elif x == 210:
        return 1470
    elif x == 211:
        return 1477
    elif x == 212:
        return 1484
    elif x == 213:
        return 1491
    elif x == 214:
        return 1498
    elif x == 215:
        return 1505
    elif x == 216:
        return 1512
    elif x == 217:
        return 1519
    elif x == 218:
        return 1526
    elif x == 219:
        return 1533
    elif x == 220:
        return 1540
    elif x == 221:
        return 1547
    elif x == 222:
        return 1554
    elif x == 223:
        return 1561
    elif x == 224:
        return 1568
    elif x == 225:
        return 1575
    elif x == 226:
        return 1582
    elif x == 227:
        return 1589
    elif x == 228:
        return 1596
    elif x == 229:
        return 1603
    elif x == 230:
        return 1610
    elif x == 231:
        return 1617
    elif x == 232:
        return 1624
    elif x == 233:
        return 1631
    elif x == 234:
        return 1638
    elif x == 235:
        return 1645
    elif x == 236:
        return 1652
    elif x == 237:
        return 1659
    elif x == 238:
        return 1666
    elif x == 239:
        return 1673
    elif x == 240:
        return 1680
    elif x == 241:
        return 1687
    elif x == 242:
        return 1694
    elif x == 243:
        return 1701
    elif x == 244:
        return 1708
    elif x == 245:
        return 1715
    elif x == 246:
        return 1722
    elif x == 247:
        return 1729
    elif x == 248:
        return 1736
    elif x == 249:
        return 1743
    elif x == 250:
        return 1750
    elif x == 251:
        return 1757
    elif x == 252:
        return 1764
    elif x == 253:
        return 1771
    elif x == 254:
        return 1778
    elif x == 255:
        return 1785
    elif x == 256:
        return 1792
    elif x == 257:
        return 1799
    elif x == 258:
        return 1806
    elif x == 259:
        return 1813
    elif x == 260:
        return 1820
    elif x == 261:
        return 1827
    elif x == 262:
        return 1834
    elif x == 263:
        return 1841
    elif x == 264:
        return 1848
    elif x == 265:
        return 1855
    elif x == 266:
        return 1862
    elif x == 267:
        return 1869
    elif x == 268:
        return 1876
    elif x == 269:
        return 1883
    elif x == 270:
        return 1890
    elif x == 271:
        return 1897
    elif x == 272:
        return 1904
    elif x == 273:
        return 1911
    elif x == 274:
        return 1918
    elif x == 275:
        return 1925
    elif x == 276:
        return 1932
    elif x == 277:
        return 1939
    elif x == 278:
        return 1946
    elif x == 279:
        return 1953
    elif x == 280:
        return 1960
    elif x == 281:
        return 1967
    elif x == 282:
        return 1974
    elif x == 283:
        return 1981
    elif x == 284:
        return 1988
    elif x == 285:
        return 1995
    elif x == 286:
        return 2002
    elif x == 287:
        return 2009
    elif x == 288:
        return 2016
    elif x == 289:
        return 2023
    elif x == 290:
        return 2030
    elif x == 291:
        return 2037
    elif x == 292:
        return 2044
    elif x == 293:
        return 2051
    elif x == 294:
        return 2058
    elif x == 295:
        return 2065
    elif x == 296:
        return 2072
    elif x == 297:
        return 2079
    elif x == 298:
        return 2086
    elif x == 299:
        return 2093
    return -1


@tracepoint("syscalls/sys_enter_getppid")
def regressions() -> None:
    if pid() != PID:
        return
    k = counts[1000]
    counts[1000] += 1
    total = 0
    for i in range(5):
        n = counts[i]
        counts[i] = n + i
        total += n
    big: str[256] = "x" if k % 2 else "yy"
    describe(big, total)
    print(bucket(k * 40), bucket(299), bucket(300))
