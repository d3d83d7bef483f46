python/pybpf/_native.abi3.so: python/ext/native.c \
 /usr/include/python3.11/Python.h /usr/include/python3.11/patchlevel.h \
 /usr/include/python3.11/pyconfig.h /usr/include/python3.11/pymacconfig.h \
 /usr/include/python3.11/pyport.h /usr/include/python3.11/exports.h \
 /usr/include/python3.11/pymacro.h /usr/include/python3.11/pymath.h \
 /usr/include/python3.11/pymem.h /usr/include/python3.11/pytypedefs.h \
 /usr/include/python3.11/pybuffer.h /usr/include/python3.11/object.h \
 /usr/include/python3.11/objimpl.h /usr/include/python3.11/typeslots.h \
 /usr/include/python3.11/pyhash.h \
 /usr/include/python3.11/cpython/pydebug.h \
 /usr/include/python3.11/bytearrayobject.h \
 /usr/include/python3.11/bytesobject.h \
 /usr/include/python3.11/unicodeobject.h \
 /usr/include/python3.11/longobject.h \
 /usr/include/python3.11/cpython/longintrepr.h \
 /usr/include/python3.11/boolobject.h \
 /usr/include/python3.11/floatobject.h \
 /usr/include/python3.11/complexobject.h \
 /usr/include/python3.11/rangeobject.h \
 /usr/include/python3.11/memoryobject.h \
 /usr/include/python3.11/tupleobject.h \
 /usr/include/python3.11/listobject.h \
 /usr/include/python3.11/dictobject.h \
 /usr/include/python3.11/cpython/odictobject.h \
 /usr/include/python3.11/enumobject.h /usr/include/python3.11/setobject.h \
 /usr/include/python3.11/methodobject.h \
 /usr/include/python3.11/moduleobject.h \
 /usr/include/python3.11/cpython/funcobject.h \
 /usr/include/python3.11/cpython/classobject.h \
 /usr/include/python3.11/fileobject.h /usr/include/python3.11/pycapsule.h \
 /usr/include/python3.11/cpython/code.h /usr/include/python3.11/pyframe.h \
 /usr/include/python3.11/traceback.h \
 /usr/include/python3.11/sliceobject.h \
 /usr/include/python3.11/cpython/cellobject.h \
 /usr/include/python3.11/iterobject.h \
 /usr/include/python3.11/cpython/initconfig.h \
 /usr/include/python3.11/pystate.h \
 /usr/include/python3.11/cpython/genobject.h \
 /usr/include/python3.11/descrobject.h \
 /usr/include/python3.11/genericaliasobject.h \
 /usr/include/python3.11/warnings.h \
 /usr/include/python3.11/weakrefobject.h \
 /usr/include/python3.11/structseq.h \
 /usr/include/python3.11/cpython/picklebufobject.h \
 /usr/include/python3.11/cpython/pytime.h \
 /usr/include/python3.11/codecs.h /usr/include/python3.11/pyerrors.h \
 /usr/include/python3.11/pythread.h \
 /usr/include/python3.11/cpython/context.h \
 /usr/include/python3.11/modsupport.h /usr/include/python3.11/compile.h \
 /usr/include/python3.11/pythonrun.h \
 /usr/include/python3.11/pylifecycle.h /usr/include/python3.11/ceval.h \
 /usr/include/python3.11/sysmodule.h /usr/include/python3.11/osmodule.h \
 /usr/include/python3.11/intrcheck.h /usr/include/python3.11/import.h \
 /usr/include/python3.11/abstract.h /usr/include/python3.11/bltinmodule.h \
 /usr/include/python3.11/cpython/pyctype.h \
 /usr/include/python3.11/pystrtod.h /usr/include/python3.11/pystrcmp.h \
 /usr/include/python3.11/fileutils.h \
 /usr/include/python3.11/cpython/pyfpe.h \
 /usr/include/python3.11/tracemalloc.h loader/loader.h pyc/pyc.h \
 loader/session.h loader/loader.h loader/support.h loader/prepare.h \
 loader/mapread.h loader/output.h
/usr/include/python3.11/Python.h:
/usr/include/python3.11/patchlevel.h:
/usr/include/python3.11/pyconfig.h:
/usr/include/python3.11/pymacconfig.h:
/usr/include/python3.11/pyport.h:
/usr/include/python3.11/exports.h:
/usr/include/python3.11/pymacro.h:
/usr/include/python3.11/pymath.h:
/usr/include/python3.11/pymem.h:
/usr/include/python3.11/pytypedefs.h:
/usr/include/python3.11/pybuffer.h:
/usr/include/python3.11/object.h:
/usr/include/python3.11/objimpl.h:
/usr/include/python3.11/typeslots.h:
/usr/include/python3.11/pyhash.h:
/usr/include/python3.11/cpython/pydebug.h:
/usr/include/python3.11/bytearrayobject.h:
/usr/include/python3.11/bytesobject.h:
/usr/include/python3.11/unicodeobject.h:
/usr/include/python3.11/longobject.h:
/usr/include/python3.11/cpython/longintrepr.h:
/usr/include/python3.11/boolobject.h:
/usr/include/python3.11/floatobject.h:
/usr/include/python3.11/complexobject.h:
/usr/include/python3.11/rangeobject.h:
/usr/include/python3.11/memoryobject.h:
/usr/include/python3.11/tupleobject.h:
/usr/include/python3.11/listobject.h:
/usr/include/python3.11/dictobject.h:
/usr/include/python3.11/cpython/odictobject.h:
/usr/include/python3.11/enumobject.h:
/usr/include/python3.11/setobject.h:
/usr/include/python3.11/methodobject.h:
/usr/include/python3.11/moduleobject.h:
/usr/include/python3.11/cpython/funcobject.h:
/usr/include/python3.11/cpython/classobject.h:
/usr/include/python3.11/fileobject.h:
/usr/include/python3.11/pycapsule.h:
/usr/include/python3.11/cpython/code.h:
/usr/include/python3.11/pyframe.h:
/usr/include/python3.11/traceback.h:
/usr/include/python3.11/sliceobject.h:
/usr/include/python3.11/cpython/cellobject.h:
/usr/include/python3.11/iterobject.h:
/usr/include/python3.11/cpython/initconfig.h:
/usr/include/python3.11/pystate.h:
/usr/include/python3.11/cpython/genobject.h:
/usr/include/python3.11/descrobject.h:
/usr/include/python3.11/genericaliasobject.h:
/usr/include/python3.11/warnings.h:
/usr/include/python3.11/weakrefobject.h:
/usr/include/python3.11/structseq.h:
/usr/include/python3.11/cpython/picklebufobject.h:
/usr/include/python3.11/cpython/pytime.h:
/usr/include/python3.11/codecs.h:
/usr/include/python3.11/pyerrors.h:
/usr/include/python3.11/pythread.h:
/usr/include/python3.11/cpython/context.h:
/usr/include/python3.11/modsupport.h:
/usr/include/python3.11/compile.h:
/usr/include/python3.11/pythonrun.h:
/usr/include/python3.11/pylifecycle.h:
/usr/include/python3.11/ceval.h:
/usr/include/python3.11/sysmodule.h:
/usr/include/python3.11/osmodule.h:
/usr/include/python3.11/intrcheck.h:
/usr/include/python3.11/import.h:
/usr/include/python3.11/abstract.h:
/usr/include/python3.11/bltinmodule.h:
/usr/include/python3.11/cpython/pyctype.h:
/usr/include/python3.11/pystrtod.h:
/usr/include/python3.11/pystrcmp.h:
/usr/include/python3.11/fileutils.h:
/usr/include/python3.11/cpython/pyfpe.h:
/usr/include/python3.11/tracemalloc.h:
loader/loader.h:
pyc/pyc.h:
loader/session.h:
loader/loader.h:
loader/support.h:
loader/prepare.h:
loader/mapread.h:
loader/output.h:
