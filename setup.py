"""Build hook for the one optional C extension; everything else is in setup.cfg.

scanner._speedups makes PDFium's per-character calls in one C loop instead of one ctypes call each (see
scanner/_speedups.c). It is optional: where it cannot be built (no C compiler), the install goes on without it
and the same work is done in Python.
"""

from setuptools import Extension, setup

setup(ext_modules=[Extension("scanner._speedups", ["scanner/_speedups.c"], optional=True)])
