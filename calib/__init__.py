"""Calibration and int8 quantization of Caffe networks for nv_small (see calib/README.md)."""
import os as _os

# The machine running this is shared (2 cores, many processes): a multi-threaded BLAS then
# slows every small matmul down several times. One thread unless the user says otherwise.
for _v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    _os.environ.setdefault(_v, "1")


def limit_blas_threads(n: int = 1) -> bool:
    """Set numpy's bundled OpenBLAS to n threads at run time (when numpy was imported before the
    environment could say so, e.g. under pytest). Returns False when it cannot."""
    import ctypes
    import glob

    import numpy as np
    libs = glob.glob(_os.path.join(_os.path.dirname(np.__file__) + ".libs", "*openblas*.so*"))
    for lib in libs:
        try:
            dll = ctypes.CDLL(lib)
        except OSError:
            continue
        for sym in ("scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_",
                    "openblas_set_num_threads"):
            fn = getattr(dll, sym, None)
            if fn is not None:
                fn(ctypes.c_int(n))
                return True
    return False
